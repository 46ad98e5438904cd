import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, removeAllProfiles, test } from './studio-fixture';

// Connections in the browser form: the two one-click services, and an OAuth sign-in in a popup
// against the studio's own local org (its sign-in page plays Salesforce's).

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

/** The local org's password when the studio starts it (DEFAULT_LOCAL_ORG_PASSWORD). */
const LOCAL_ORG_PASSWORD = 'local-org-password';

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

test.describe.configure({ mode: 'serial' });

// The studio is shared by every spec file the worker runs: leave it without profiles, as found.
test.afterAll(({ studio }) => removeAllProfiles(studio));

test('one click starts the local demo org and embedded Postgres and makes them active', async ({
  page,
  studio,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${studio.openUrl}#/connections`);
  const band = page.getByRole('region', { name: 'One-click connections' });
  await expect(band).toBeVisible();
  await expect(page.getByRole('region', { name: 'Connect an org and a database' })).toBeVisible();
  await shoot(page, 'connections-quick-start');

  const orgCard = band.getByRole('group', { name: 'Use the local demo org' });
  await orgCard.getByRole('button', { name: 'Use the local demo org' }).click();
  await expect(orgCard.getByRole('status')).toContainText(/Running at http:\/\/127\.0\.0\.1:\d+/);
  await expect(orgCard.getByRole('status')).toContainText('profile “Local demo org” created');
  await expect(orgCard).toContainText('Active');
  await expect(page.getByTestId('status-org')).toHaveText('Local demo org');
  const localCard = page.getByRole('article', { name: 'Local demo org' });
  await expect(localCard).toContainText('Built-in local org');
  await expect(localCard).toContainText('Active');
  await shoot(page, 'connections-local-org-active');

  // Its test signs in to the running org.
  await localCard.getByRole('button', { name: 'Test' }).click();
  await expect(localCard.getByTestId('test-result')).toContainText(
    'Connected to http://127.0.0.1:',
  );

  // Its form shows the sign-in read-only.
  await localCard.getByRole('button', { name: 'Edit' }).click();
  const localForm = page.getByRole('dialog', { name: 'Edit connection' });
  await expect(localForm.getByRole('note', { name: 'Local demo org' })).toContainText(
    'nothing to configure',
  );
  await expect(localForm.getByRole('radiogroup', { name: 'Sign in with' })).toHaveCount(0);
  await shoot(page, 'connections-local-org-form');
  await page.keyboard.press('Escape');
  await expect(localForm).toBeHidden();

  // A second click reuses the running org and its profile.
  await orgCard.getByRole('button', { name: 'Use the local demo org' }).click();
  await expect(orgCard.getByRole('status')).toContainText('profile “Local demo org” ·');
  await expect(page.getByRole('article', { name: /Local demo org/ })).toHaveCount(1);

  const dbCard = band.getByRole('group', { name: 'Use embedded Postgres' });
  await dbCard.getByRole('button', { name: 'Use embedded Postgres' }).click();
  // The first start sets up the cluster: the card says it takes a few seconds meanwhile.
  await expect(dbCard.getByRole('button', { name: 'Starting…' })).toBeDisabled();
  await expect(dbCard).toContainText('takes a few seconds');
  await shoot(page, 'connections-postgres-starting');
  await expect(dbCard.getByRole('status')).toContainText(
    /Running at postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres/,
    { timeout: 60_000 },
  );
  await expect(dbCard).toContainText('Active');
  await expect(page.getByTestId('status-db')).toHaveText('Embedded Postgres');
  const pgCard = page.getByRole('article', { name: 'Embedded Postgres' });
  await pgCard.getByRole('button', { name: 'Test' }).click();
  await expect(pgCard.getByTestId('test-result')).toContainText(
    /Embedded PostgreSQL \d+\.\d+ is running; connected as postgres/,
  );
  await shoot(page, 'connections-both-active');

  await page.getByLabel('Theme').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await shoot(page, 'connections-both-active-dark');
  await page.getByLabel('Theme').selectOption('system');
  expect(errors).toEqual([]);
});

test('OAuth in the browser: sign in in a popup against the local org', async ({ page, studio }) => {
  // The local org runs (the test before started it; start it here when run alone).
  const started = await fetch(`${studio.baseUrl}api/localOrg.start`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${studio.token}`, 'Content-Type': 'application/json' },
    body: '{}',
  });
  const { url: orgUrl } = (await started.json()) as { url: string };

  await page.goto(`${studio.openUrl}#/connections`);
  await page.getByRole('button', { name: 'Add Salesforce org' }).first().click();
  const form = page.getByRole('dialog', { name: 'New connection' });
  await form.getByLabel('Name', { exact: true }).fill('Browser sign-in');
  await form.getByRole('radio', { name: 'OAuth in the browser' }).click();

  // Without a client id the form says so before any window opens.
  await form.getByRole('button', { name: 'Sign in with Salesforce' }).click();
  await expect(form.getByText('client id is required')).toBeVisible();

  await form.getByLabel('Login URL').fill(orgUrl);
  await form.getByLabel('Client id').fill('connect-studio-e2e');
  await expect(form.getByTestId('oauth-sign-in')).toContainText('Not signed in yet.');
  await shoot(page, 'connections-oauth-form');

  const popupOpened = page.waitForEvent('popup');
  await form.getByRole('button', { name: 'Sign in with Salesforce' }).click();
  const popup = await popupOpened;
  await popup.waitForURL(/\/services\/oauth2\/authorize\?/);
  await expect(popup.getByRole('heading', { name: 'Allow access?' })).toBeVisible();
  await expect(form.getByTestId('oauth-sign-in')).toContainText('Waiting for the browser');
  // The sign-in saves the form when it ends: Save waits, so the two cannot clash on the name.
  await expect(form.getByRole('button', { name: 'Save' })).toBeDisabled();
  await shoot(page, 'connections-oauth-waiting');
  await shoot(popup, 'connections-oauth-authorize-page');

  // A wrong password: the sign-in page says so and the studio keeps waiting.
  const username = (await popup.locator('code').first().textContent()) ?? '';
  await popup.getByLabel('Username').fill(username);
  await popup.getByLabel('Password').fill('not-the-password');
  await popup.getByRole('button', { name: 'Allow' }).click();
  await expect(popup.getByRole('alert')).toContainText('Please check your username and password.');
  await shoot(popup, 'connections-oauth-wrong-password');
  await expect(form.getByTestId('oauth-sign-in')).toContainText('Waiting for the browser');

  const popupClosed = popup.waitForEvent('close');
  await popup.getByLabel('Password').fill(LOCAL_ORG_PASSWORD);
  await popup.getByRole('button', { name: 'Allow' }).click();
  // Signed in: the studio closes the popup and the drawer; the profile is saved and connected.
  await popupClosed;
  await expect(form).toBeHidden();
  await expect(page.getByText(`Signed in to ${orgUrl} as ${username}.`)).toBeVisible();
  const card = page.getByRole('article', { name: 'Browser sign-in' });
  await expect(card).toContainText(`OAuth · ${username} · ${orgUrl}`);
  await card.getByRole('button', { name: 'Test' }).click();
  await expect(card.getByTestId('test-result')).toContainText(`Connected to ${orgUrl}`);
  await shoot(page, 'connections-oauth-connected');

  // Editing shows who signed in; the refresh token never reaches the page.
  await card.getByRole('button', { name: 'Edit' }).click();
  const editForm = page.getByRole('dialog', { name: 'Edit connection' });
  await expect(editForm.getByTestId('oauth-sign-in')).toContainText(
    `Signed in as ${username} at ${orgUrl}`,
  );
  await expect(editForm.getByRole('button', { name: 'Sign in again' })).toBeVisible();
  await shoot(page, 'connections-oauth-edit');
  const listed = await page.request.post(`${studio.baseUrl}api/profiles.list`, {
    headers: { Authorization: `Bearer ${studio.token}` },
    data: {},
  });
  expect(await listed.text()).not.toMatch(/5Aep861/);
});
