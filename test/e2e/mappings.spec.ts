// The Mapping editor end to end, in Chromium through the web host, against a fresh studio's local
// org and embedded Postgres: design a Contact mapping from nothing (fields, read-write, unique
// identifier, the Account external-ID relationship field), watch the DDL, apply it and find the
// table in Postgres; the draft survives a reload, undo works; export the JSON and import it
// again unchanged. Then the review's points: the removal banner's undo, the dock folded to one
// line, the last mapping reopened, import and apply sentences, and a draft never written into
// another database's slot.
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

/** The dock's one-line bar ("Problems: none · DDL: 3 statements ▸"), when it is folded. */
const dockBar = (page: Page) => page.getByRole('button', { name: /^Problems: .* · DDL: / });

test('design a Contact mapping from nothing, apply it, export and import it unchanged', async ({
  page,
  freshStudio,
}, testInfo) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const org = await callStudio<{ url: string }>(freshStudio, 'localOrg.start');
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

  // Nothing wrong yet, and nothing chosen: the dock is one line, and the fields have the room.
  await expect(dockBar(page)).toBeVisible();
  await expect(dockBar(page)).toHaveText(/^Problems: none · DDL: \d+ statements ▸$/);
  await expect(page.getByRole('region', { name: 'Problems' })).toHaveCount(0);

  // --- Design it: read-write first (a radio group: arrow keys choose), and the rules say what
  // that needs, on the field itself.
  const readOnlyRadio = pane.getByRole('radio', { name: 'Read-only' });
  const readWriteRadio = pane.getByRole('radio', { name: 'Read-write' });
  await expect(readOnlyRadio).toBeChecked();
  // With no select shown, "Unique identifier" labels nothing.
  await expect(pane.getByLabel('Unique identifier')).toHaveCount(0);
  await readOnlyRadio.focus();
  await page.keyboard.press('ArrowRight');
  await expect(readWriteRadio).toBeChecked();
  await expect(readOnlyRadio).not.toBeChecked();
  // Problems appeared: the dock opens to show them.
  const problemsPanel = page.getByRole('region', { name: 'Problems' });
  await expect(problemsPanel).toBeVisible();
  await expect(problemsPanel).toContainText('Contact.LastName');
  await expect(problemsPanel).toContainText('no unique identifier');
  // On the field, one line (the whole sentence is in its title and in Problems).
  const lastNameProblem = lastNameRow.locator('.map-inline-problem');
  await expect(lastNameProblem).toContainText('required when records are created');
  expect(await lastNameProblem.evaluate((el) => el.getBoundingClientRect().height)).toBeLessThan(
    20,
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

  await expect(page.getByTestId('problem-summary')).toContainText(/none|warning/i);
  await expect(page.getByTestId('problem-summary')).not.toContainText('error');
  await shoot(page, 'mappings-editing');

  // --- The DDL pane shows the new table with the chosen columns.
  if (await dockBar(page).isVisible()) await dockBar(page).click();
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

  // Expanded, the DDL stays below the mapping: the body clips, nothing is drawn over the dock.
  const body = await page.locator('.mappings__body').boundingBox();
  const dock = await page.locator('.mappings__dock').boundingBox();
  const paneBox = await pane.boundingBox();
  expect(body && dock && paneBox).toBeTruthy();
  expect(paneBox!.y + paneBox!.height).toBeLessThanOrEqual(dock!.y + 1);
  expect(body!.y + body!.height).toBeLessThanOrEqual(dock!.y + 1);

  // Folded by hand, the dock stays folded (remembered across a reload).
  await page.getByRole('button', { name: 'Hide problems and DDL' }).click();
  await expect(dockBar(page)).toBeVisible();
  await shoot(page, 'mappings-dock-folded');

  // --- Nothing lost: the draft is saved, and a reload brings it back.
  await expect(page.getByTestId('draft-status')).toContainText(
    /^Not applied · draft saved (just now|\d+ s)/,
    { timeout: 10_000 },
  );
  await page.reload();
  await expect(mapBox(page, 'Account__External_ID__c')).toBeChecked({ timeout: 30_000 });
  for (const field of ['LastName', 'FirstName', 'Email', 'External_ID__c']) {
    await expect(mapBox(page, field)).toBeChecked();
  }
  await expect(pane.getByLabel('Unique identifier')).toHaveValue('External_ID__c');
  await expect(dockBar(page)).toBeVisible();

  // --- Apply (Ctrl+Enter), with a confirmation that says what will happen.
  await page.keyboard.press('Control+Enter');
  const confirm = page.getByRole('dialog', { name: 'Apply the mappings' });
  await expect(confirm).toBeVisible();
  await expect(confirm).toContainText('Creates table salesforce.contact for Contact');
  await expect(confirm).not.toContainText('Data left behind');
  await shoot(page, 'mappings-confirm');
  await confirm.getByRole('button', { name: 'Apply', exact: true }).click();
  await expect(confirm).toBeHidden({ timeout: 60_000 });
  await expect(page.getByTestId('apply-result')).toContainText(
    /^Applied: \d+ statements ran — created table salesforce\.contact\./,
  );
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

  // A file that is not an export is refused, each problem named by its mapping's object.
  const bad = join(testInfo.outputPath(), 'not-an-export.json');
  writeFileSync(
    bad,
    JSON.stringify({
      version: 1,
      mappings: [
        { object_name: 'Contact' },
        { object_name: 'Account', config: { access: 'sideways', fields: { Id: {} } } },
      ],
    }),
  );
  await page.getByLabel('Import a Heroku Connect mapping export').setInputFiles(bad);
  const refused = page.getByRole('alert').filter({ hasText: 'to fix in not-an-export.json' });
  await expect(refused.locator('strong')).toHaveText('2 problems to fix in not-an-export.json:');
  await expect(refused.getByRole('listitem')).toHaveText([
    'Contact: config must be an object, but it is missing',
    'Account: access must be "read_only" or "read_write"; found "sideways"',
  ]);
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
  const removedBanner = page
    .getByRole('status')
    .filter({ hasText: 'Account was removed from the draft' });
  await list.getByRole('link', { name: 'Account (applied)' }).click();
  await page.getByRole('button', { name: 'Remove mapping' }).click();
  await expect(list.getByRole('link', { name: 'Account (removed)' })).toBeVisible();
  await shoot(page, 'mappings-removed');
  await page.keyboard.press('Control+Enter');
  await expect(confirm).toContainText(
    'Account is no longer mapped: its table salesforce.account stays with its rows',
  );
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  // The list keeps the removed row readable: its name and table on their lines, Restore beside.
  const removedRow = list.getByRole('listitem').filter({ hasText: 'Account' });
  const removedName = await removedRow.locator('.map-row__name').boundingBox();
  const restoreButton = await removedRow
    .getByRole('button', { name: 'Restore Account' })
    .boundingBox();
  expect(removedName!.x + removedName!.width).toBeLessThanOrEqual(restoreButton!.x);
  await expect(removedRow.locator('.map-row__meta code')).toHaveText('account');
  expect(
    await removedRow
      .locator('.map-row__meta code')
      .evaluate((el) => el.scrollWidth <= el.clientWidth),
  ).toBe(true);
  await removedBanner.getByRole('button', { name: 'Undo' }).click();
  await expect(list.getByRole('link', { name: 'Account (applied)' })).toBeVisible();
  await expect(removedBanner).toBeHidden();
  // Back where it stood in the list, second.
  await expect(list.getByRole('link')).toHaveText([/^Contact/, /^Account/]);

  // The banner's Undo puts back that mapping, whatever came after; and it goes with the next
  // edit, so it can never take back something else.
  await page.getByRole('button', { name: 'Remove mapping' }).click();
  await expect(removedBanner).toBeVisible();
  await page.locator('.mappings-toolbar').getByRole('button', { name: 'Undo' }).click();
  await expect(list.getByRole('link', { name: 'Account (applied)' })).toBeVisible();
  await expect(removedBanner).toBeHidden();
  await page.getByRole('button', { name: 'Remove mapping' }).click();
  await expect(removedBanner).toBeVisible();
  await list.getByRole('link', { name: 'Contact (applied)' }).click();
  await mapBox(page, 'Title').check();
  await expect(removedBanner).toBeHidden();
  await mapBox(page, 'Title').uncheck();
  await list.getByRole('link', { name: 'Account (removed)' }).click();
  await page.getByRole('button', { name: 'Restore Account' }).first().click();
  await expect(list.getByRole('link', { name: 'Account (applied)' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Discard changes' })).toBeDisabled();

  // Coming back to Mappings opens the mapping open last, not the first.
  await expect(page).toHaveURL(/#\/mappings\/Account$/);
  await page.keyboard.press('Control+5');
  await expect(page).not.toHaveURL(/#\/mappings/);
  await page.keyboard.press('Control+4');
  await expect(page).toHaveURL(/#\/mappings\/Account$/);
  await expect(page.getByRole('article', { name: 'Account mapping' })).toBeVisible();

  await list.getByRole('link', { name: 'Contact (applied)' }).click();
  await mapBox(page, 'Title').check();
  await expect(list.getByRole('link', { name: 'Contact (changed)' })).toBeVisible();
  await expect(page.getByTestId('draft-status')).toContainText('draft saved', { timeout: 10_000 });
  await callStudio(freshStudio, 'mappings.apply', { document: first.text });
  await expect(page.getByText(/The applied mappings were changed elsewhere/)).toBeVisible();
  await expect(mapBox(page, 'Title')).toBeChecked(); // the edit is kept
  await expect(list.getByRole('link', { name: 'Account (new)' })).toBeVisible();
  await page.getByRole('button', { name: 'Discard my edits' }).click();
  await expect(mapBox(page, 'Title')).not.toBeChecked();
  await expect(list.getByRole('link', { name: /^Account/ })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Discard changes' })).toBeDisabled();

  // --- "Map Lead" while the org answers nothing: a sentence, not silence.
  const faults = (method: 'PUT' | 'DELETE', plan?: unknown) =>
    fetch(`${org.url}/_admin/faults`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      ...(plan === undefined ? {} : { body: JSON.stringify(plan) }),
    });
  await page.evaluate(() => (location.hash = '#/mappings/Lead'));
  await expect(page.getByRole('heading', { name: 'Lead is not mapped' })).toBeVisible();
  expect((await faults('PUT', { unavailable: { count: 1000 } })).ok).toBe(true);
  try {
    await page.getByRole('button', { name: 'Map Lead' }).click();
    await expect(
      page.getByText(/^Lead could not be mapped: the org did not describe it \(.+\)\. Check/),
    ).toBeVisible({ timeout: 30_000 });
  } finally {
    await faults('DELETE');
  }
  await expect(page.getByRole('heading', { name: 'Lead is not mapped' })).toBeVisible();
  await page.evaluate(() => (location.hash = '#/mappings/Contact'));
  await expect(pane).toBeVisible();

  // --- A draft is never written into another database's slot: the profile's schema changes
  // (from another window, say) while an edit still waits to be saved.
  const { profiles } = await callStudio<{
    profiles: Array<{ id: string; kind: string; name: string }>;
  }>(freshStudio, 'profiles.list');
  const embedded = profiles.find((p) => p.kind === 'postgres')!;
  await mapBox(page, 'Title').check();
  await expect(page.getByTestId('draft-status')).toHaveText('Not applied · saving the draft…');
  await callStudio(freshStudio, 'profiles.save', {
    kind: 'postgres',
    id: embedded.id,
    name: embedded.name,
    schema: 'elsewhere',
    connection: { method: 'embedded' },
  });
  await expect(page.getByRole('heading', { name: 'Add your first mapping' })).toBeVisible({
    timeout: 30_000,
  });
  // The old editor's unmount check takes two round trips; give a wrong write time to land.
  await page.waitForTimeout(1500);
  const elsewhere = await callStudio<{ schemaName: string; draft: unknown }>(
    freshStudio,
    'mappings.state',
  );
  expect(elsewhere.schemaName).toBe('elsewhere');
  expect(elsewhere.draft).toBeNull();

  expect(pageErrors).toEqual([]);
});
