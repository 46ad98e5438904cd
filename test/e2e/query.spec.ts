// The Query workspace end to end, in Chromium through the web host, against the studio's own
// local org (and embedded Postgres for SQL and Compare): completion typed key by key, nested
// results, paging past 2,000 rows, CSV export checked against the org, the org's error placed in
// the editor, and Compare finding the one row changed behind the engine's back.
import { mkdirSync, readFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { Connection } from 'jsforce';
import type { ApiMethod, ApiResult } from '../../src-shared/api';
import {
  createMapping,
  formatConnectExport,
  planSchema,
  type MappingDocument,
} from '../../src-shared/mapping';
import { createDescribeCatalog } from '../../src-shared/salesforce';
import {
  applySchemaPlan,
  introspectSchema,
  openPool,
  withEngineSession,
} from '../../src-main/postgres';
import { fetchDescribeGlobal, fetchDescribes } from '../../src-main/salesforce';
import { expect, test, type RunningStudio } from './studio-fixture';

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

const LOCAL_ORG_USER = 'admin@local-org.connect-studio';
const LOCAL_ORG_PASSWORD = 'local-org-password';
/** More than one 2,000-record batch, so the grid must page through query.more. */
const PAGING_RECORDS = 2500;

test.describe.configure({ mode: 'serial' });
test.setTimeout(180_000);

async function callApi<M extends ApiMethod>(
  studio: RunningStudio,
  method: M,
  params: object = {},
): Promise<ApiResult<M>> {
  const response = await fetch(`${studio.baseUrl}api/${method}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${studio.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body: unknown = await response.json();
  if (!response.ok)
    throw new Error(`${method} answered ${response.status}: ${JSON.stringify(body)}`);
  return body as ApiResult<M>;
}

let orgUrl = '';
async function salesforce(): Promise<Connection> {
  const conn = new Connection({ loginUrl: orgUrl });
  await conn.login(LOCAL_ORG_USER, LOCAL_ORG_PASSWORD);
  return conn;
}

async function queryAllRecords(conn: Connection, soql: string) {
  const result = await conn.query<Record<string, unknown>>(soql, {
    autoFetch: true,
    maxFetch: 100_000,
  });
  return result.records;
}

const shoot = (page: Page, name: string) => page.screenshot({ path: `${SHOTS}/query-${name}.png` });

const editorOf = (page: Page) => page.locator('.query-editor .monaco-editor');

/** The editor's text as shown (Monaco draws spaces as no-break spaces). */
async function editorText(page: Page): Promise<string> {
  const lines = await page.locator('.query-editor .view-line').allInnerTexts();
  return lines.join('\n').replace(/\u00a0/g, ' ');
}

async function openQuery(page: Page, studio: RunningStudio, soql?: string) {
  const hash = soql === undefined ? '#/query' : `#/query?soql=${encodeURIComponent(soql)}`;
  await page.goto(studio.openUrl + hash);
  await expect(editorOf(page)).toBeVisible();
}

/** Waits for the suggestion list, moves to `label` and accepts it with Tab. */
async function accept(page: Page, label: string) {
  const widget = page.locator('.suggest-widget.visible');
  await expect(widget).toBeVisible();
  await expect(
    widget.locator('.monaco-list-row .label-name', { hasText: label }).first(),
  ).toBeVisible();
  for (let step = 0; step < 30; step++) {
    const focused = (
      await widget.locator('.monaco-list-row.focused .label-name').innerText()
    ).trim();
    if (focused === label) {
      await page.keyboard.press('Tab');
      await expect(widget).toBeHidden();
      return;
    }
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`the suggestion list never focused ${label}`);
}

const typeSlowly = (page: Page, text: string) => page.keyboard.type(text, { delay: 35 });

const resultsGrid = (page: Page) => page.getByRole('grid', { name: 'Query results' });
const statusLine = (page: Page) => page.getByRole('status', { name: 'Result status' });

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

test.beforeAll(async ({ studio }) => {
  const started = await callApi(studio, 'localOrg.start');
  orgUrl = started.url;
});

test('completion for a parent path and a child subquery, run, and a nested row', async ({
  page,
  studio,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await openQuery(page, studio);
  await shoot(page, 'empty');
  const editor = editorOf(page);
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');

  // FROM first, so completion knows the object; then back into the SELECT list.
  await typeSlowly(page, 'SELECT Name FROM Acc');
  await accept(page, 'Account');
  await page.keyboard.press('Home');
  for (let i = 0; i < 'SELECT Name'.length; i++) await page.keyboard.press('ArrowRight');
  // The same inside the subquery: its FROM (a child relationship of Account) first.
  await typeSlowly(page, ', (SELECT LastName FROM Con');
  await accept(page, 'Contacts');
  // The "(" typed earlier closed itself; type the ")" only if it did not.
  if (!/Contacts\)/.test(await editorText(page))) {
    await typeSlowly(page, ')');
    await page.keyboard.press('ArrowLeft');
  }
  for (let i = 0; i < ' FROM Contacts'.length; i++) await page.keyboard.press('ArrowLeft');
  // Accept the relationship (not the AccountId field), then a field of the parent it leads to.
  await typeSlowly(page, ', Acc');
  await accept(page, 'Account');
  await typeSlowly(page, '.Na');
  await accept(page, 'Name');
  await shoot(page, 'completion-parent-path');
  await page.keyboard.press('Escape');
  await expect
    .poll(() => editorText(page))
    .toBe('SELECT Name, (SELECT LastName, Account.Name FROM Contacts) FROM Account');

  // Our own diagnostics find nothing wrong in it.
  await expect(page.locator('.query-editor .squiggly-error')).toHaveCount(0);

  await page.keyboard.press('Control+Enter');
  await expect(statusLine(page)).toContainText(/of [\d,]+ rows/);
  const grid = resultsGrid(page);
  await expect(grid.getByRole('columnheader', { name: 'Contacts.Account.Name' })).toBeVisible();

  // Expand the first account that has contacts: its contacts appear under it, with the
  // parent path read from each contact.
  const rowIndex = await grid
    .locator('[role=row][aria-level="1"]')
    .filter({ has: page.getByRole('button', { name: /^[1-9]\d* Contacts: show$/ }) })
    .first()
    .getAttribute('aria-rowindex');
  // Pinned by its position: once expanded, its button no longer says "show".
  const parentRow = grid.locator(`[role=row][aria-rowindex="${rowIndex}"]`);
  const countButton = parentRow.getByRole('button', { name: /Contacts: show$/ });
  const label = (await countButton.getAttribute('aria-label')) ?? '';
  const contactCount = Number(label.split(' ')[0]);
  const parentName = (await parentRow.getByRole('gridcell').nth(1).innerText()).trim();
  await countButton.click();
  const nested = grid.locator('[role=row][aria-level="2"]');
  await expect(nested).toHaveCount(contactCount);
  const accountNameColumn = await grid
    .getByRole('columnheader', { name: 'Contacts.Account.Name' })
    .getAttribute('aria-colindex');
  for (const row of await nested.all()) {
    await expect(row.locator(`[role=gridcell][aria-colindex="${accountNameColumn}"]`)).toHaveText(
      parentName,
    );
  }
  await shoot(page, 'nested-rows');

  // The keyboard: from the parent row (clicked), Down into the nested rows, Left back to the
  // parent and Left again to collapse it, Right to expand it again.
  const activeLevel = async () => {
    const id = await grid.getAttribute('aria-activedescendant');
    return page.locator(`[id="${id}"]`).getAttribute('aria-level');
  };
  await parentRow.getByRole('gridcell').nth(1).click();
  await expect(grid).toBeFocused();
  await expect.poll(activeLevel).toBe('1');
  await page.keyboard.press('ArrowDown');
  await expect.poll(activeLevel).toBe('2');
  await page.keyboard.press('ArrowLeft');
  await expect.poll(activeLevel).toBe('1');
  await page.keyboard.press('ArrowLeft');
  await expect(nested).toHaveCount(0);
  await page.keyboard.press('ArrowRight');
  await expect(nested).toHaveCount(contactCount);

  // Shift+Alt+F formats the query.
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('select   Id,Name   from Account   limit 5');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Shift+Alt+F');
  await expect.poll(() => editorText(page)).toBe('SELECT Id, Name FROM Account LIMIT 5');

  // History has the query that ran; picking it puts it back in the editor.
  await page.getByRole('button', { name: 'History & saved' }).click();
  const history = page.getByRole('region', { name: 'Query history' });
  await history
    .getByRole('button', { name: /SELECT Name, \(SELECT LastName, Account\.Name FROM Contacts\)/ })
    .first()
    .click();
  await expect
    .poll(() => editorText(page))
    .toBe('SELECT Name, (SELECT LastName, Account.Name FROM Contacts) FROM Account');
  await page
    .getByRole('textbox', { name: 'Name for the saved query' })
    .fill('Accounts and contacts');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(
    page.getByRole('region', { name: 'Saved queries' }).getByText('Accounts and contacts'),
  ).toBeVisible();
  await shoot(page, 'history');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('complementary', { name: /Query history/ })).toBeHidden();
  expect(errors).toEqual([]);
});

test('pages past 2,000 rows as the grid scrolls, and the CSV matches the org', async ({
  page,
  studio,
}) => {
  const conn = await salesforce();
  const records = Array.from({ length: PAGING_RECORDS }, (_, i) => ({
    Name: `E2E Paging ${String(i).padStart(4, '0')}`,
    Phone: `+1 555 ${String(1000 + i)}`,
  }));
  const created = await conn
    .sobject('Account')
    .create(records, { allOrNone: true, allowRecursive: true });
  expect(created.filter((r) => r.success)).toHaveLength(PAGING_RECORDS);

  const soql = "SELECT Id, Name, Phone FROM Account WHERE Name LIKE 'E2E Paging%' ORDER BY Name";
  await openQuery(page, studio, soql);
  await expect.poll(() => editorText(page)).toBe(soql);
  await editorOf(page).click();
  await page.keyboard.press('Control+Enter');
  const total = PAGING_RECORDS.toLocaleString('en-US');
  await expect(statusLine(page)).toContainText(`2,000 of ${total} rows`);
  await expect(statusLine(page)).toContainText('1 API call');
  const grid = resultsGrid(page);
  await shoot(page, 'first-page');

  // Scroll to the end: the grid asks for the next page on its own.
  await grid.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(statusLine(page)).toContainText(`${total} of ${total} rows`);
  await expect(statusLine(page)).toContainText('2 API calls');
  await grid.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(
    grid.getByRole('gridcell', { name: `E2E Paging ${PAGING_RECORDS - 1}` }),
  ).toBeVisible();
  // Only the rows in view are in the DOM.
  const domRows = await grid.locator('[role=rowgroup] [role=row]').count();
  expect(domRows).toBeLessThan(80);
  await shoot(page, 'paged-to-end');

  const downloadPromise = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toBe('query-results.csv');
  const csv = parseCsv(readFileSync(await download.path(), 'utf8'));
  const fromOrg = await queryAllRecords(conn, soql);
  expect(csv[0]).toEqual(['Id', 'Name', 'Phone']);
  expect(csv.slice(1)).toEqual(fromOrg.map((r) => [r.Id, r.Name, r.Phone ?? '']));
  expect(csv).toHaveLength(PAGING_RECORDS + 1);

  // "Load all" fetches the remaining pages without scrolling.
  await editorOf(page).click();
  await page.keyboard.press('Control+Enter');
  await expect(statusLine(page)).toContainText(`2,000 of ${total} rows`);
  await page.getByRole('button', { name: 'Load all' }).click();
  await expect(statusLine(page)).toContainText(`${total} of ${total} rows`);
  await expect(statusLine(page)).toContainText('2 API calls');
  await expect(page.getByRole('button', { name: 'Load all' })).toBeHidden();

  // queryAll: a deleted record is found only with the switch on.
  const [first] = fromOrg;
  await conn.sobject('Account').destroy(String(first!.Id));
  const deletedSoql = `SELECT Id, Name FROM Account WHERE Id = '${String(first!.Id)}'`;
  await openQuery(page, studio, deletedSoql);
  await editorOf(page).click();
  await page.keyboard.press('Control+Enter');
  await expect(statusLine(page)).toContainText('0 of 0 rows');
  await page.getByRole('checkbox', { name: /queryAll/ }).check();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(statusLine(page)).toContainText('1 of 1 rows');
  await expect(
    resultsGrid(page).getByRole('gridcell', { name: String(first!.Name) }),
  ).toBeVisible();
});

/** The squiggle and the hover message at the word `word` in the editor. */
async function hoverWord(page: Page, word: string): Promise<{ box: Locator; hover: Locator }> {
  const token = page
    .locator('.query-editor .view-line span span')
    .filter({ hasText: new RegExp(`^${word}$`) });
  await token.first().hover();
  return { box: token.first(), hover: page.locator('.monaco-hover:not(.hidden)') };
}

test("a query with a mistake shows the org's error at the right place", async ({
  page,
  studio,
}) => {
  const soql = 'SELECT Id,\n  Nme\nFROM Account';
  await openQuery(page, studio, soql);
  await editorOf(page).click();
  await page.keyboard.press('Control+Enter');
  const alert = page.getByRole('alert', { name: 'Query error' });
  await expect(alert).toContainText("No such column 'Nme'");
  await expect(alert).toContainText('Row:2:Column:3');

  // The org's marker sits on `Nme` (line 2, column 3): its hover says what the org said.
  const { box, hover } = await hoverWord(page, 'Nme');
  await expect(hover).toContainText("The org: No such column 'Nme'");
  const word = await box.boundingBox();
  const squiggles = page.locator('.query-editor .squiggly-error');
  await expect(squiggles.first()).toBeVisible();
  const boxes = await Promise.all((await squiggles.all()).map((s) => s.boundingBox()));
  const onWord = boxes.filter(
    (b) =>
      b &&
      word &&
      Math.abs(b.x - word.x) <= 2 &&
      Math.abs(b.y + b.height / 2 - (word.y + word.height / 2)) <= word.height,
  );
  expect(onWord.length).toBeGreaterThan(0);
  await shoot(page, 'org-error');

  // Elsewhere there is no such message.
  await page.mouse.move(0, 0);
  await hoverWord(page, 'Account');
  await page.waitForTimeout(600);
  await expect(page.locator('.monaco-hover:not(.hidden)', { hasText: 'The org:' })).toHaveCount(0);
});

test('SQL over the mapped table, and Compare shows exactly the row changed in Postgres', async ({
  page,
  studio,
}) => {
  const database = await callApi(studio, 'embeddedPostgres.start');
  // The embedded server's password is left out of the URL it answers; it is the fixed one.
  const url = new URL(database.url);
  url.password = 'postgres';
  const schemaName = database.profile.kind === 'postgres' ? database.profile.schema : 'salesforce';
  const pool = await openPool(url.toString(), { max: 2 });
  try {
    const conn = await salesforce();
    const mappings = [
      createMapping('Account', {
        access: 'read_only',
        fields: ['Id', 'IsDeleted', 'SystemModstamp', 'CreatedDate', 'Name', 'Industry'],
      }),
    ];
    const catalog = createDescribeCatalog(
      await fetchDescribes(conn, ['Account', 'User']),
      await fetchDescribeGlobal(conn),
    );
    const document: MappingDocument = {
      version: 1,
      connection: { writeAlgorithm: 'merged', features: {} },
      mappings,
    };
    const plan = planSchema({
      schemaName,
      mappings,
      catalog,
      current: await introspectSchema(pool, schemaName),
    });
    await applySchemaPlan(pool, plan, { schemaName, mappingsJson: formatConnectExport(document) });

    // Fill the table as the engine would (its session: no trigger-log rows).
    const accounts = await queryAllRecords(
      conn,
      'SELECT Id, IsDeleted, SystemModstamp, CreatedDate, Name, Industry FROM Account',
    );
    await withEngineSession(pool, async (client) => {
      await client.query(`DELETE FROM "${schemaName}"."account"`);
      await client.query(
        `INSERT INTO "${schemaName}"."account" (sfid, isdeleted, systemmodstamp, createddate, name, industry)
         SELECT * FROM unnest($1::text[], $2::boolean[], $3::timestamp[], $4::timestamp[], $5::text[], $6::text[])`,
        [
          accounts.map((a) => a.Id),
          accounts.map((a) => a.IsDeleted),
          accounts.map((a) => a.SystemModstamp),
          accounts.map((a) => a.CreatedDate),
          accounts.map((a) => a.Name),
          accounts.map((a) => a.Industry),
        ],
      );
    });
    // Behind the engine's back: an application changes one name.
    const changed = accounts.find((a) => typeof a.Name === 'string' && !a.Name.startsWith('E2E'))!;
    await pool.query(`UPDATE "${schemaName}"."account" SET name = $1 WHERE sfid = $2`, [
      'Changed in Postgres',
      changed.Id,
    ]);

    const soql = 'SELECT Id, Name, Industry FROM Account';
    await openQuery(page, studio, soql);
    await page.getByRole('tab', { name: 'SQL (Postgres)' }).click();
    await page.getByRole('button', { name: 'Show SQL' }).click();
    const sqlEditor = page.locator('.query-sql__code .view-lines');
    await expect(sqlEditor).toContainText(schemaName);
    await expect(sqlEditor).toContainText('account');
    await page.getByRole('button', { name: 'Run on Postgres' }).click();
    await expect(page.getByRole('status', { name: 'Postgres result status' })).toContainText(
      `${accounts.length.toLocaleString('en-US')} rows`,
    );
    await expect(page.getByRole('grid', { name: 'Postgres results' })).toBeVisible();
    await shoot(page, 'sql');

    await page.getByRole('tab', { name: 'Compare' }).click();
    await page.getByRole('button', { name: 'Compare Salesforce with Postgres' }).click();
    await expect(page.locator('[aria-label="Compare summary"]')).toBeVisible();
    await expect(page.getByTestId('different')).toHaveText('1');
    await expect(page.getByTestId('only-in-salesforce')).toHaveText('0');
    await expect(page.getByTestId('only-in-postgres')).toHaveText('0');
    const differences = page.getByRole('grid', { name: 'Differences' });
    await expect(differences.getByRole('gridcell', { name: String(changed.Id) })).toBeVisible();
    const fieldRow = differences.locator('[role=row][aria-level="2"]');
    await expect(fieldRow).toHaveCount(1);
    await expect(fieldRow).toContainText('Name');
    await expect(fieldRow).toContainText(String(changed.Name));
    await expect(fieldRow).toContainText('Changed in Postgres');
    await shoot(page, 'compare');
  } finally {
    await pool.end();
  }
});
