import { mkdirSync, readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { callStudio, expect, freshTest as test } from './studio-fixture';

// The first run: a studio with no profiles opens on one offer, the demo; one click starts the
// local org, embedded Postgres, the demo mappings and the sync, and lands on the Sync dashboard
// with the initial loads under way, within 30 seconds.

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

/** The objects the demo maps, read from the file the demo applies. */
const DEMO_OBJECTS = (
  JSON.parse(readFileSync('src-main/sync/demo-mappings.json', 'utf8')) as {
    mappings: { object_name: string }[];
  }
).mappings.map((m) => m.object_name);

test('no profiles: the studio offers the demo, which lands on a running sync', async ({
  page,
  freshStudio: studio,
}) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await page.goto(studio.openUrl);
  await expect(page).toHaveURL(/#\/welcome$/);
  await expect(
    page.getByRole('heading', { level: 1, name: 'Welcome to Connect Studio' }),
  ).toBeVisible();
  const offer = page.getByRole('button', { name: 'Open the demo' });
  await expect(offer).toBeVisible();
  await expect(offer).toBeFocused();
  await expect(page.getByText(/local Salesforce org with demo data/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Connect my own org and database' })).toBeVisible();
  // No workspace is marked current: this is none of them.
  await expect(
    page.getByRole('navigation', { name: 'Workspaces' }).locator('[aria-current="page"]'),
  ).toHaveCount(0);
  await shoot(page, 'first-run-offer');

  const clickedAt = Date.now();
  await offer.click();
  await expect(page.getByRole('status', { name: 'Opening the demo' })).toBeVisible();
  await shoot(page, 'first-run-opening');

  // Within 30 s of the click: the Sync dashboard, the demo's mappings, loads running or done.
  await expect(page).toHaveURL(/#\/sync$/, { timeout: 30_000 });
  await expect(page.getByRole('heading', { level: 1, name: 'Sync' })).toBeVisible();
  await expect(page.getByTestId('engine-state')).toHaveText(/Running|Starting…/, {
    timeout: Math.max(1_000, 30_000 - (Date.now() - clickedAt)),
  });
  const table = page.getByRole('table', { name: 'Mappings' });
  for (const object of DEMO_OBJECTS) {
    const phase = table
      .getByRole('row', { name: object, exact: true })
      .getByTestId('mapping-phase');
    await expect(phase).toHaveText(/Initial load|Waiting…|Polling|Synced/);
  }
  const landedMs = Date.now() - clickedAt;
  console.log(`first run: on the Sync dashboard ${landedMs} ms after the click`);
  expect(landedMs).toBeLessThan(30_000);
  await shoot(page, 'first-run-sync');

  // The loads finish: every demo mapping reaches Synced with rows in Postgres, and says what
  // its load did (the small ones are over before a newcomer has looked).
  for (const object of DEMO_OBJECTS) {
    const row = table.getByRole('row', { name: object, exact: true });
    await expect(row.getByTestId('mapping-phase')).toHaveText('Synced', { timeout: 60_000 });
    await expect(row.getByTestId('mapping-rows')).not.toHaveText(/^(—|0)$/);
    await expect(row).toContainText(/Loaded [\d,]+ rows? in [\d.]+ s/);
  }
  await shoot(page, 'first-run-synced');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shoot(page, 'first-run-synced-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // The sidebar's Connections has the demo's two profiles, both active.
  const connections = page
    .getByRole('navigation', { name: 'Workspaces' })
    .getByRole('link', { name: /Connections/ });
  await expect(connections).toContainText('2');
  await connections.click();
  await expect(page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();
  await expect(page.getByRole('article')).toHaveCount(2);
  await expect(page.getByTestId('status-org')).toHaveText('Local demo org');
  await expect(page.getByTestId('status-db')).toHaveText('Embedded Postgres');
  expect(errors).toEqual([]);
});

test('the quieter way leads to Connections; a URL naming a workspace skips the offer', async ({
  page,
  freshStudio: studio,
}) => {
  await page.goto(studio.openUrl);
  await page.getByRole('button', { name: 'Connect my own org and database' }).click();
  await expect(page).toHaveURL(/#\/connections$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();

  await page.goto(`${studio.openUrl}#/schema`);
  await expect(page.getByRole('heading', { level: 1, name: 'Schema' })).toBeVisible();
  await expect(page).toHaveURL(/#\/schema$/);
  await expect(page.getByRole('button', { name: 'Open the demo' })).toHaveCount(0);
});

test('leaving the welcome page while the demo opens: the studio stays where the user went', async ({
  page,
  freshStudio: studio,
}) => {
  test.setTimeout(90_000);
  await page.goto(studio.openUrl);
  const opened = page.waitForResponse((r) => r.url().includes('/api/demo.open'), {
    timeout: 60_000,
  });
  await page.getByRole('button', { name: 'Open the demo' }).click();
  await expect(page.getByRole('status', { name: 'Opening the demo' })).toBeVisible();
  await page
    .getByRole('navigation', { name: 'Workspaces' })
    .getByRole('link', { name: /Schema/ })
    .click();
  await expect(page).toHaveURL(/#\/schema$/);
  // The demo opens all the same (its sync runs), and the page is not taken to Sync.
  expect((await opened).ok()).toBe(true);
  const status = await callStudio<{ engine: string }>(studio, 'sync.status');
  expect(status.engine).toMatch(/running|starting/);
  await page.waitForTimeout(500);
  await expect(page).toHaveURL(/#\/schema$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Schema' })).toBeVisible();
});
