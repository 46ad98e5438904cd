import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test, type RunningStudio } from './studio-fixture';

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

async function callApi<T>(studio: RunningStudio, method: string, params: unknown = {}): Promise<T> {
  const response = await fetch(`${studio.baseUrl}api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${studio.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body = (await response.json()) as T & { error?: { message: string } };
  if (!response.ok)
    throw new Error(`${method} answered ${response.status}: ${body.error?.message}`);
  return body;
}

const objectList = (page: Page) => page.getByRole('list', { name: 'Object list' });
const pageHeading = (page: Page) => page.getByRole('article').getByRole('heading', { level: 2 });

test.describe.configure({ mode: 'serial' });

test('browse the local org: filter, open, follow a relationship, copy SOQL, jump with Ctrl+K', async ({
  page,
  context,
  studio,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: new URL(studio.baseUrl).origin,
  });
  await callApi(studio, 'localOrg.start');
  const listed = await callApi<{ objects: { name: string }[] }>(studio, 'schema.objects');

  await page.goto(`${studio.openUrl}#/schema`);
  await expect(page.getByRole('heading', { level: 1, name: 'Schema' })).toBeVisible();
  const status = page.getByTestId('object-list-status');
  await expect(status).toContainText(/\d+ objects/, { timeout: 30_000 });
  await expect(page.getByRole('heading', { name: 'Pick an object' })).toBeVisible();
  await shoot(page, 'schema-list');

  // Find Contact by typing: the exact match ranks first, the typed part is marked.
  const filter = page.getByLabel('Filter objects');
  await expect(filter).toBeFocused();
  await filter.pressSequentially('contact', { delay: 30 });
  const rows = objectList(page).getByRole('listitem');
  await expect(rows.first().getByRole('link')).toHaveAccessibleName(/^Contact \(/);
  await expect(rows.first().locator('mark').first()).toHaveText('Contact');
  await expect(status).toContainText(
    new RegExp(`\\d+ of ${listed.objects.length.toLocaleString('en-US')} objects`),
  );
  // Every row shown matches, in name or label.
  for (const text of await rows.allInnerTexts()) expect(text.toLowerCase()).toContain('contact');
  await shoot(page, 'schema-filter-contact');

  // A filter that matches nothing says so, and Esc clears it.
  await filter.fill('nosuchobjectanywhere');
  await expect(page.getByText(/No object matches “nosuchobjectanywhere”/)).toBeVisible();
  await shoot(page, 'schema-filter-no-match');
  await filter.press('Escape');
  await expect(filter).toHaveValue('');
  await filter.pressSequentially('contact', { delay: 20 });

  // Open it: Enter opens the best match, and the object is in the URL.
  await filter.press('Enter');
  await expect(page).toHaveURL(/#\/schema\/Contact$/);
  const contact = page.getByRole('article', { name: 'Contact object' });
  await expect(contact.getByTestId('object-api-name')).toHaveText('Contact');
  await expect(contact.getByTestId('describe-age')).toContainText('described');
  const fields = contact.getByRole('grid', { name: 'Fields of Contact' });
  await expect(fields).toBeVisible();
  const lastName = fields
    .getByRole('row')
    .filter({ has: page.getByText('LastName', { exact: true }) });
  await expect(lastName).toContainText('string');
  await expect(lastName).toContainText('required');
  await expect(
    fields.getByRole('row').filter({ has: page.getByText('Id', { exact: true }) }),
  ).toContainText('id');
  await shoot(page, 'schema-contact-fields');

  // The field filter narrows the grid.
  await contact.getByLabel('Filter fields').fill('accountid');
  await expect(fields.getByRole('row')).toHaveCount(2); // header + AccountId
  await expect(fields).toContainText('reference');
  await expect(fields).toContainText('Account');
  await contact.getByLabel('Filter fields').press('Escape');

  // Count on demand.
  await contact.getByRole('button', { name: 'Count records of Contact' }).click();
  await expect(contact.getByRole('button', { name: 'Count records of Contact' })).toHaveText(
    /^[\d,]+ records?$/,
  );

  // Parent relationships: Account, with a link to the other object and SOQL to copy.
  await contact.getByRole('tab', { name: /Parent relationships/ }).click();
  await expect(page).toHaveURL(/#\/schema\/Contact\?tab=parents$/);
  const parents = contact.getByRole('table', { name: 'Parent relationships of Contact' });
  const accountRel = parents.getByRole('row', { name: 'Account', exact: true });
  await expect(accountRel).toContainText('AccountId');
  await accountRel.getByRole('button', { name: 'Copy Account as SOQL' }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
    'SELECT Id, Account.Name FROM Contact',
  );
  await expect(
    page
      .getByRole('status')
      .getByText('Copied to the clipboard: SELECT Id, Account.Name FROM Contact'),
  ).toBeVisible();
  await shoot(page, 'schema-contact-parents');

  // Follow the Account relationship: lands on Account.
  await accountRel.getByRole('link', { name: 'Open Account', exact: true }).click();
  await expect(page).toHaveURL(/#\/schema\/Account$/);
  const account = page.getByRole('article', { name: 'Account object' });
  await expect(account.getByTestId('object-api-name')).toHaveText('Account');
  await expect(pageHeading(page)).toHaveText('Account');
  // The list still holds the filter; clearing it shows the open object, marked as current.
  await filter.press('Escape');
  await expect(objectList(page).getByRole('link', { name: /^Account \(/ })).toHaveAttribute(
    'aria-current',
    'page',
  );

  // Child relationships of Account: Contacts; copy it as a subquery.
  await account.getByRole('tab', { name: /Child relationships/ }).click();
  const children = account.getByRole('table', { name: 'Child relationships of Account' });
  const contactsRel = children.getByRole('row', { name: 'Contacts', exact: true });
  await expect(contactsRel).toContainText('AccountId');
  await contactsRel.getByRole('button', { name: 'Copy Contacts as SOQL' }).click();
  const subquery = 'SELECT Id, (SELECT Id FROM Contacts) FROM Account';
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(subquery);
  await expect(page.getByText(`Copied to the clipboard: ${subquery}`)).toBeVisible();
  await expect(contactsRel.getByRole('link', { name: 'Open Contacts in Query' })).toHaveAttribute(
    'href',
    `#/query?soql=${encodeURIComponent(subquery)}`,
  );
  await shoot(page, 'schema-account-children');

  // Back returns to Contact's parents; forward to Account again.
  await page.goBack();
  await expect(page).toHaveURL(/#\/schema\/Contact\?tab=parents$/);
  await expect(page.getByRole('article', { name: 'Contact object' })).toBeVisible();
  await page.goForward();
  await expect(page.getByRole('article', { name: 'Account object' })).toBeVisible();

  // Ctrl+K from anywhere: the palette jumps to Opportunity.
  await page.getByRole('link', { name: 'Connections' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();
  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Go to object' });
  await expect(palette).toBeVisible();
  await page.keyboard.type('opport', { delay: 30 });
  await expect(palette.getByRole('option').first()).toContainText('Opportunity');
  await expect(palette.getByRole('option').first()).toHaveAttribute('aria-selected', 'true');
  await shoot(page, 'schema-palette');
  await page.keyboard.press('Enter');
  await expect(palette).toBeHidden();
  await expect(page).toHaveURL(/#\/schema\/Opportunity$/);
  await expect(page.getByRole('article', { name: 'Opportunity object' })).toBeVisible();
  await expect(pageHeading(page)).toHaveText('Opportunity');
  await shoot(page, 'schema-opportunity');

  // Esc closes the palette without going anywhere.
  await page.keyboard.press('Control+k');
  await expect(palette).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(palette).toBeHidden();
  await expect(page).toHaveURL(/#\/schema\/Opportunity$/);

  // A reload keeps the object; the dark theme reads as well.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.reload();
  await expect(page.getByRole('article', { name: 'Opportunity object' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByRole('grid', { name: 'Fields of Opportunity' })).toBeVisible();
  await shoot(page, 'schema-opportunity-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // A polymorphic lookup says so and links to each of its targets.
  await page.evaluate(() => (window.location.hash = '#/schema/Event?tab=parents'));
  const eventParents = page.getByRole('table', { name: 'Parent relationships of Event' });
  const what = eventParents.getByRole('row', { name: 'What', exact: true });
  await expect(what).toContainText('polymorphic');
  await expect(what.getByRole('link', { name: /^Open (Account|Opportunity|Case)$/ })).toHaveCount(
    3,
  );
  await expect(eventParents.getByRole('row', { name: 'Owner', exact: true })).not.toContainText(
    'polymorphic',
  );
  await shoot(page, 'schema-event-polymorphic');

  // An object the org does not have says so.
  await page.goto(`${studio.openUrl}#/schema/NoSuchObject__c`);
  await expect(page.getByRole('alert')).toContainText(/NoSuchObject__c/);
  await shoot(page, 'schema-unknown-object');

  expect(errors).toEqual([]);
});
