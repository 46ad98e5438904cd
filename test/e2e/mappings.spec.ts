// The Mapping editor end to end, in Chromium through the web host, against a fresh studio's local
// org and embedded Postgres: design a Contact mapping from nothing (fields, read-write, unique
// identifier, the Account external-ID relationship field), watch the DDL, apply it and find the
// table in Postgres; the draft survives a reload, undo works; export the JSON and import it
// again unchanged.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import pg from 'pg';
import { createMapping, formatConnectExport, parseConnectExport } from '../../src-shared/mapping';
import { callStudio, expect, freshTest as test } from './studio-fixture';

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

test.setTimeout(180_000);

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

/** Monaco draws spaces as no-break spaces and only the lines in view. */
async function visibleText(editor: Locator): Promise<string> {
  return (await editor.locator('.view-lines').innerText()).replace(/\u00a0/g, ' ');
}

const mapBox = (page: Page, field: string) => page.getByLabel(`Map ${field}`, { exact: true });

test('design a Contact mapping from nothing, apply it, export and import it unchanged', async ({
  page,
  freshStudio,
}, testInfo) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await callStudio(freshStudio, 'localOrg.start');
  const database = await callStudio<{ url: string }>(freshStudio, 'embeddedPostgres.start');

  // The fixture org's Contact must have what the test designs with.
  const contact = await callStudio<{
    describe: { fields: Array<{ name: string; externalId: boolean }> };
  }>(freshStudio, 'schema.describe', { object: 'Contact' });
  expect(contact.describe.fields.find((f) => f.name === 'External_ID__c')?.externalId).toBe(true);

  // --- Nothing mapped: the empty state says what to do.
  await page.goto(`${freshStudio.openUrl}#/mappings`);
  await expect(page.getByRole('heading', { name: 'Add your first mapping' })).toBeVisible({
    timeout: 30_000,
  });
  await shoot(page, 'mappings-empty');

  // --- Add Contact through the picker.
  await page.getByRole('button', { name: 'Add mapping' }).click();
  const picker = page.getByRole('dialog', { name: 'Add a mapping' });
  await picker.getByLabel('Find an object to map').fill('contact');
  await expect(picker.getByRole('option').first()).toContainText('Contact');
  await picker.getByLabel('Find an object to map').press('Enter');
  await expect(picker).toBeHidden();
  await expect(page).toHaveURL(/#\/mappings\/Contact$/);
  const pane = page.getByRole('article', { name: 'Contact mapping' });
  await expect(pane.getByRole('heading', { name: 'Contact', level: 2 })).toBeVisible();
  const list = page.getByRole('navigation', { name: 'Mappings' });
  await expect(list.getByRole('link', { name: 'Contact (new)' })).toBeVisible();

  // System fields come ticked and locked; LastName shows its types and flags.
  await expect(mapBox(page, 'Id')).toBeChecked();
  await expect(mapBox(page, 'Id')).toBeDisabled();
  await expect(mapBox(page, 'SystemModstamp')).toBeChecked();
  const lastNameRow = page.locator('tr', { has: mapBox(page, 'LastName') });
  await expect(lastNameRow).toContainText('string(80)');
  await expect(lastNameRow).toContainText('varchar(80)');
  await expect(lastNameRow).toContainText('required');
  // A compound field is greyed with the reason.
  await expect(mapBox(page, 'MailingAddress')).toBeDisabled();
  await expect(page.locator('tr', { has: mapBox(page, 'MailingAddress') })).toContainText(
    /compound address/,
  );

  // --- Design it: read-write first, and the rules say what that needs, on the field itself.
  await pane.getByRole('radio', { name: 'Read-write' }).click();
  await expect(pane.getByRole('radio', { name: 'Read-write' })).toHaveAttribute(
    'aria-checked',
    'true',
  );
  const problemsPanel = page.getByRole('region', { name: 'Problems' });
  await expect(problemsPanel).toContainText('Contact.LastName');
  await expect(problemsPanel).toContainText('no unique identifier');
  await expect(lastNameRow).toContainText(
    'required when records are created, but it is not mapped',
  );
  await shoot(page, 'mappings-problems');
  // A problem opens its field; "Select required" maps it.
  await problemsPanel.getByRole('button', { name: /Contact\.LastName/ }).click();
  await expect(lastNameRow).toBeInViewport();
  await pane.getByRole('button', { name: 'Select required' }).click();
  await expect(mapBox(page, 'LastName')).toBeChecked();
  await expect(problemsPanel).not.toContainText('Contact.LastName');
  for (const field of ['FirstName', 'Email']) await mapBox(page, field).check();
  const unique = pane.getByLabel('Unique identifier');
  await expect(unique.locator('option')).toHaveText([
    'None',
    'External_ID__c (External ID, unique)',
  ]);
  await unique.selectOption('External_ID__c');
  await expect(mapBox(page, 'External_ID__c')).toBeChecked();

  // Undo and redo, from the keyboard (focus on a checkbox, not in a text box).
  await mapBox(page, 'Title').check();
  await expect(mapBox(page, 'Title')).toBeChecked();
  await mapBox(page, 'Title').focus();
  await page.keyboard.press('Control+z');
  await expect(mapBox(page, 'Title')).not.toBeChecked();
  await page.keyboard.press('Control+Shift+z');
  await expect(mapBox(page, 'Title')).toBeChecked();
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(mapBox(page, 'Title')).not.toBeChecked();

  // `/` goes to the field search.
  await mapBox(page, 'Email').focus();
  await page.keyboard.press('/');
  await expect(pane.getByLabel('Search fields')).toBeFocused();
  await page.keyboard.type('email');
  await expect(mapBox(page, 'LastName')).toBeHidden();
  await expect(mapBox(page, 'Email')).toBeVisible();
  await pane.getByLabel('Search fields').press('Escape');
  await expect(mapBox(page, 'LastName')).toBeVisible();

  // Relationship external IDs: Account's is offered; Contact's own (ReportsTo) is warned about
  // under merged writes; a polymorphic lookup or a parent without one is explained.
  const relationships = pane.getByRole('region', { name: 'Relationship external IDs of Contact' });
  await expect(relationships).toContainText('AccountId');
  await relationships.getByLabel('Map Account__External_ID__c').check();
  await expect(relationships.getByLabel('Map Account__External_ID__c')).toBeChecked();
  await expect(relationships).toContainText(/ReportsTo__External_ID__c[\s\S]*refer to itself/);
  await expect(relationships).toContainText(/No External ID on the parent/);

  await expect(page.getByTestId('problem-summary')).toContainText(/None|warning/);
  await expect(page.getByTestId('problem-summary')).not.toContainText('error');
  await shoot(page, 'mappings-editing');

  // --- The DDL pane shows the new table with the chosen columns.
  const ddl = page.getByRole('region', { name: 'DDL' });
  await expect(page.getByTestId('ddl-summary')).toContainText(/\d+ statements/);
  await expect
    .poll(() => visibleText(ddl), { timeout: 15_000 })
    .toContain('CREATE TABLE IF NOT EXISTS "salesforce"."contact"');
  // Expanded, the pane shows the whole CREATE TABLE with the chosen columns.
  await ddl.getByRole('button', { name: 'Expand DDL' }).click();
  for (const column of [
    '"lastname" varchar(80)',
    '"email" varchar(80)',
    '"external_id__c" varchar(36)',
    '"account__external_id__c" varchar(36)',
  ]) {
    await expect.poll(() => visibleText(ddl)).toContain(column);
  }
  await shoot(page, 'mappings-ddl');
  await ddl.getByRole('button', { name: 'Shrink DDL' }).click();

  // --- Nothing lost: the draft is saved, and a reload brings it back.
  await expect(page.getByTestId('draft-status')).toContainText('Draft saved', { timeout: 10_000 });
  await page.reload();
  await expect(mapBox(page, 'Account__External_ID__c')).toBeChecked({ timeout: 30_000 });
  for (const field of ['LastName', 'FirstName', 'Email', 'External_ID__c']) {
    await expect(mapBox(page, field)).toBeChecked();
  }
  await expect(pane.getByLabel('Unique identifier')).toHaveValue('External_ID__c');

  // --- Apply (Ctrl+Enter), with a confirmation that says what will happen.
  await page.keyboard.press('Control+Enter');
  const confirm = page.getByRole('dialog', { name: 'Apply the mappings' });
  await expect(confirm).toBeVisible();
  await expect(confirm).toContainText('Creates table salesforce.contact for Contact');
  await expect(confirm).not.toContainText('Data left behind');
  await shoot(page, 'mappings-confirm');
  await confirm.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect(confirm).toBeHidden({ timeout: 60_000 });
  await expect(page.getByTestId('apply-result')).toContainText('created salesforce.contact');
  await expect(list.getByRole('link', { name: 'Contact (applied)' })).toBeVisible();
  await expect(page.getByTestId('ddl-summary')).toHaveText('No changes');
  await expect(page.getByRole('button', { name: 'Apply…' })).toBeDisabled();
  await shoot(page, 'mappings-applied');

  // --- The table is in Postgres, with its columns and its unique identifier's index.
  const url = new URL(database.url);
  url.username = 'postgres';
  url.password = 'postgres';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const columns = await client.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns
        WHERE table_schema = 'salesforce' AND table_name = 'contact'`,
    );
    const names = columns.rows.map((r) => r.column_name);
    expect(names).toEqual(
      expect.arrayContaining([
        'id',
        'sfid',
        'systemmodstamp',
        'isdeleted',
        'createddate',
        'lastname',
        'firstname',
        'email',
        'external_id__c',
        'account__external_id__c',
        '_hc_lastop',
        '_hc_err',
      ]),
    );
    expect(names).not.toContain('title');
    const indexes = await client.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE schemaname = 'salesforce' AND tablename = 'contact'`,
    );
    expect(indexes.rows.map((r) => r.indexname)).toEqual(
      expect.arrayContaining(['hcu_idx_contact_sfid', 'hcu_idx_contact_external_id__c']),
    );
  } finally {
    await client.end();
  }

  // --- Export, import the same file, and nothing changes.
  const exportOnce = async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('salesforce-mappings.json');
    const file = testInfo.outputPath(`export-${Date.now()}.json`);
    await download.saveAs(file);
    return { file, text: readFileSync(file, 'utf8') };
  };
  const first = await exportOnce();
  const exported = parseConnectExport(first.text);
  expect(exported.mappings).toHaveLength(1);
  const mapping = exported.mappings[0]!;
  expect(mapping).toMatchObject({
    objectName: 'Contact',
    access: 'read_write',
    upsertField: 'External_ID__c',
  });
  expect(mapping.fields).toEqual(
    expect.arrayContaining(['Id', 'LastName', 'FirstName', 'Email', 'Account__External_ID__c']),
  );

  await page.getByLabel('Import a Heroku Connect mapping export').setInputFiles({
    name: 'salesforce-mappings.json',
    mimeType: 'application/json',
    buffer: Buffer.from(first.text),
  });
  await expect(page.getByText(/Imported Contact from salesforce-mappings\.json/)).toBeVisible();
  await expect(list.getByRole('link', { name: 'Contact (applied)' })).toBeVisible();
  await expect(page.getByTestId('ddl-summary')).toHaveText('No changes');
  await expect(page.getByRole('button', { name: 'Discard changes' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Apply…' })).toBeDisabled();
  const second = await exportOnce();
  expect(second.text).toBe(first.text);

  // A file that is not an export is refused, each problem with its path.
  const bad = join(testInfo.outputPath(), 'not-an-export.json');
  writeFileSync(bad, JSON.stringify({ version: 1, mappings: [{ object_name: 'Contact' }] }));
  await page.getByLabel('Import a Heroku Connect mapping export').setInputFiles(bad);
  const refused = page.getByRole('alert').filter({ hasText: 'was not imported' });
  await expect(refused).toContainText('mappings[0].config');
  await shoot(page, 'mappings-import-refused');

  await refused.getByRole('button', { name: 'Dismiss' }).click();

  // --- An apply made elsewhere (another window, the demo) shows up: reloaded when nothing is
  // unsaved here, kept with a notice when something is.
  const withAccount = parseConnectExport(first.text);
  withAccount.mappings.push(
    createMapping('Account', {
      fields: ['Id', 'IsDeleted', 'SystemModstamp', 'CreatedDate', 'Name'],
    }),
  );
  await callStudio(freshStudio, 'mappings.apply', { document: formatConnectExport(withAccount) });
  await expect(list.getByRole('link', { name: 'Account (applied)' })).toBeVisible();
  await expect(page.getByTestId('ddl-summary')).toHaveText('No changes');

  // Removing a mapping is undoable; its table stays.
  await list.getByRole('link', { name: 'Account (applied)' }).click();
  await page.getByRole('button', { name: 'Remove mapping' }).click();
  await expect(list.getByRole('link', { name: 'Account (removed)' })).toBeVisible();
  await page.keyboard.press('Control+Enter');
  await expect(confirm).toContainText(
    'Account is no longer mapped: its table salesforce.account stays with its rows',
  );
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: 'Account was removed from the draft' })
    .getByRole('button', { name: 'Undo' })
    .click();
  await expect(list.getByRole('link', { name: 'Account (applied)' })).toBeVisible();

  await list.getByRole('link', { name: 'Contact (applied)' }).click();
  await mapBox(page, 'Title').check();
  await expect(list.getByRole('link', { name: 'Contact (changed)' })).toBeVisible();
  await expect(page.getByTestId('draft-status')).toContainText('Draft saved', { timeout: 10_000 });
  await callStudio(freshStudio, 'mappings.apply', { document: first.text });
  await expect(page.getByText(/The applied mappings were changed elsewhere/)).toBeVisible();
  await expect(mapBox(page, 'Title')).toBeChecked(); // the edit is kept
  await expect(list.getByRole('link', { name: 'Account (new)' })).toBeVisible();
  await page.getByRole('button', { name: 'Discard my edits' }).click();
  await expect(mapBox(page, 'Title')).not.toBeChecked();
  await expect(list.getByRole('link', { name: /^Account/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Discard changes' })).toBeDisabled();

  expect(pageErrors).toEqual([]);
});
