import { mkdirSync } from 'node:fs';
import { closedPort } from '../support/net';
import type { Page } from '@playwright/test';
import { expect, removeAllProfiles, test } from './studio-fixture';

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

const WORKSPACES = [
  { id: 'connections', label: 'Connections', heading: 'Connections' },
  { id: 'schema', label: 'Schema', heading: 'Schema' },
  { id: 'query', label: 'Query', heading: 'Query' },
  { id: 'mappings', label: 'Mappings', heading: 'Mappings' },
  { id: 'sync', label: 'Sync', heading: 'Sync' },
  { id: 'trigger-log', label: 'Trigger Log', heading: 'Trigger Log' },
];

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

test.describe.configure({ mode: 'serial' });

// Other spec files may have left profiles behind; these tests start from the first run.
test.beforeAll(({ studio }) => removeAllProfiles(studio));

test('the page without its token is refused', async ({ page, studio }) => {
  const response = await page.goto(studio.baseUrl);
  expect(response?.status()).toBe(401);
  await expect(page.getByRole('heading', { name: 'Connect Studio needs its token' })).toBeVisible();
  const api = await page.request.post(`${studio.baseUrl}api/app.info`, { data: {} });
  expect(api.status()).toBe(401);
});

test('every workspace renders its empty state', async ({ page, studio }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(studio.openUrl);
  // The token leaves the address bar once the page has it.
  await expect(page).not.toHaveURL(/token=/);
  await expect(page.getByText('Browser · live')).toBeVisible();

  for (const w of WORKSPACES) {
    await page
      .getByRole('navigation', { name: 'Workspaces' })
      .getByRole('link', { name: w.label })
      .click();
    await expect(page).toHaveURL(new RegExp(`#/${w.id}$`));
    await expect(page.getByRole('heading', { level: 1, name: w.heading })).toBeVisible();
    await expect(page.getByRole('link', { name: w.label })).toHaveAttribute('aria-current', 'page');
    await shoot(page, `workspace-${w.id}`);
  }
  // Workspaces that need an org say so and lead to Connections.
  await page.getByRole('link', { name: 'Schema' }).click();
  await page.getByRole('button', { name: /First, add a Salesforce org in Connections/ }).click();
  await expect(page).toHaveURL(/#\/connections$/);
  await expect(page.getByRole('region', { name: 'Connect an org and a database' })).toBeVisible();

  // Ctrl+3 jumps to the third workspace.
  await page.keyboard.press('Control+3');
  await expect(page.getByRole('heading', { level: 1, name: 'Query' })).toBeVisible();
  expect(errors).toEqual([]);
});

test('create, test, edit and remove connection profiles', async ({ page, studio }) => {
  await page.goto(`${studio.openUrl}#/connections`);
  await expect(page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();

  // A Salesforce profile by instance URL and token, pointing where nothing listens.
  const port = await closedPort();
  await page.getByRole('button', { name: 'Add Salesforce org' }).first().click();
  const form = page.getByRole('dialog', { name: 'New connection' });
  await expect(form).toBeVisible();
  await shoot(page, 'connections-new-org-form');

  // Saving with nothing filled in names the fields to fix.
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByText('name is required', { exact: true })).toBeVisible();
  await expect(form.getByText('username is required')).toBeVisible();

  await form.getByLabel('Name', { exact: true }).fill('Local sandbox');
  await form.getByRole('radio', { name: 'Access token' }).click();
  await form.getByLabel('Instance URL').fill(`http://127.0.0.1:${port}`);
  await form.getByLabel('Access token').fill('00Dxx0000000001!secret-token');
  await form.getByRole('button', { name: 'Test connection' }).click();
  const result = form.getByTestId('test-result');
  await expect(result).toContainText(`Nothing answered at http://127.0.0.1:${port}`);
  await expect(result).toContainText('connection refused');
  await shoot(page, 'connections-test-failed');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form).toBeHidden();

  const card = page.getByRole('article', { name: 'Local sandbox' });
  await expect(card).toContainText(`Access token · http://127.0.0.1:${port}`);
  // The first org becomes the active one, and the status bar says so.
  await expect(card).toContainText('Active');
  await expect(page.getByTestId('status-org')).toHaveText('Local sandbox');

  // An embedded Postgres profile; its test checks the bundled server binaries.
  await page.getByRole('button', { name: 'Add Postgres database' }).first().click();
  const dbForm = page.getByRole('dialog', { name: 'New connection' });
  await dbForm.getByLabel('Name', { exact: true }).fill('Studio database');
  await dbForm.getByRole('radio', { name: 'Embedded' }).click();
  await dbForm.getByRole('button', { name: 'Save' }).click();
  const dbCard = page.getByRole('article', { name: 'Studio database' });
  await expect(dbCard).toContainText('Embedded Postgres · schema salesforce');
  await dbCard.getByRole('button', { name: 'Test' }).click();
  await expect(dbCard.getByTestId('test-result')).toContainText('Embedded PostgreSQL');
  await expect(page.getByTestId('status-db')).toHaveText('Studio database');

  // A second profile with the same name is refused at the name field.
  await page.getByRole('button', { name: 'Add Postgres database' }).first().click();
  const dupForm = page.getByRole('dialog', { name: 'New connection' });
  await dupForm.getByLabel('Name', { exact: true }).fill('studio database');
  await dupForm.getByRole('radio', { name: 'Embedded' }).click();
  await dupForm.getByRole('button', { name: 'Save' }).click();
  await expect(dupForm.getByText(/already exists/)).toBeVisible();
  // Esc with edits asks first; Esc again keeps editing, and "Discard changes" closes.
  await page.keyboard.press('Escape');
  const discard = dupForm.getByRole('alertdialog', { name: 'Discard changes?' });
  await expect(discard).toBeVisible();
  await shoot(page, 'connections-discard-changes');
  await page.keyboard.press('Escape');
  await expect(discard).toBeHidden();
  await expect(dupForm).toBeVisible();
  await page.keyboard.press('Escape');
  await discard.getByRole('button', { name: 'Discard changes' }).click();
  await expect(dupForm).toBeHidden();

  // Editing keeps the saved token unless a new one is typed.
  await card.getByRole('button', { name: 'Edit' }).click();
  const editForm = page.getByRole('dialog', { name: 'Edit connection' });
  await expect(editForm.getByLabel('Access token')).toHaveAttribute(
    'placeholder',
    'saved — leave blank to keep',
  );
  await editForm.getByLabel('Name', { exact: true }).fill('Local sandbox (renamed)');
  await editForm.getByRole('button', { name: 'Save' }).click();
  const renamed = page.getByRole('article', { name: 'Local sandbox (renamed)' });
  await expect(renamed).toBeVisible();
  await renamed.getByRole('button', { name: 'Test' }).click();
  // Still reaches for the same URL with the saved token: the failure is the port, not a missing token.
  await expect(renamed.getByTestId('test-result')).toContainText('connection refused');
  await shoot(page, 'connections-profiles');

  // The secret never reaches the page.
  const listed = await page.request.post(`${studio.baseUrl}api/profiles.list`, {
    headers: { Authorization: `Bearer ${studio.token}` },
    data: {},
  });
  expect(await listed.text()).not.toContain('secret-token');

  // Dark theme, then remove with confirmation.
  await page.getByLabel('Theme').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await shoot(page, 'connections-dark');
  await page.getByLabel('Theme').selectOption('system');
  // "Follow the OS" tracks the OS setting live.
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');

  await renamed.getByRole('button', { name: 'Remove' }).click();
  await renamed.getByRole('button', { name: 'Remove' }).click();
  await expect(renamed).toBeHidden();
  await expect(page.getByTestId('status-org')).toHaveText('No org selected');

  // Profiles live in the cache: a reload shows the same list.
  await page.reload();
  await expect(page.getByRole('article', { name: 'Studio database' })).toBeVisible();
  await expect(page.getByRole('article')).toHaveCount(1);
});
