import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { callStudio, expect, freshTest as test } from './studio-fixture';

// The Sync dashboard over a 50,000-record initial load: the local org with the demo data plus
// generated Accounts, embedded Postgres, an Account mapping applied through the contract; the
// user presses Start and watches the load go from its first pages to Synced.

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });
const TOTAL = 50_000;

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: `${SHOTS}/${name}.png` });
}

interface Started {
  url: string;
}

/** A small Heroku Connect export: Account, read-only, a few fields. */
const ACCOUNT_MAPPING = JSON.stringify({
  version: 1,
  connection: {
    app_name: 'sync-e2e',
    features: { disable_bulk_writes: false, poll_db_no_merge: false, rest_count_only: true },
    api_version: '62.0',
    name: '',
  },
  mappings: [
    {
      object_name: 'Account',
      config: {
        access: 'read_only',
        sf_notify_enabled: false,
        sf_polling_seconds: 120,
        sf_max_daily_api_calls: 30000,
        fields: {
          Id: {},
          IsDeleted: {},
          SystemModstamp: {},
          CreatedDate: {},
          Name: {},
          Industry: {},
          External_ID__c: {},
        },
        indexes: {
          Id: { unique: true },
          SystemModstamp: { unique: false },
          External_ID__c: { unique: true },
        },
      },
    },
  ],
});

async function admin(orgUrl: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${orgUrl}/_admin/${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${method} /_admin/${path}: ${JSON.stringify(json)}`);
  return json;
}

test('an initial load of 50,000 Accounts with progress, to Synced', async ({
  page,
  freshStudio: studio,
}) => {
  test.setTimeout(180_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  const org = await callStudio<Started>(studio, 'localOrg.start');
  await callStudio(studio, 'embeddedPostgres.start');

  // The demo has 300 Accounts: generate the rest of the 50,000 in the org.
  const before = await callStudio<{ count: number }>(studio, 'schema.count', { object: 'Account' });
  const generated = await admin(org.url, 'POST', 'generate', {
    object: 'Account',
    count: TOTAL - before.count,
  });
  expect(generated.created).toBe(TOTAL - before.count);
  const after = await callStudio<{ count: number }>(studio, 'schema.count', { object: 'Account' });
  expect(after.count).toBe(TOTAL);

  await callStudio(studio, 'mappings.apply', { document: ACCOUNT_MAPPING });

  // Slow every API call down a little so the load's progress is there to see.
  await admin(org.url, 'PUT', 'faults', { latencyMs: 400 });

  await page.goto(`${studio.openUrl}#/sync`);
  await expect(page.getByRole('heading', { level: 1, name: 'Sync' })).toBeVisible();
  const engine = page.getByTestId('engine-state');
  await expect(engine).toHaveText('Off');
  const row = page.getByRole('row', { name: 'Account' });
  await expect(row.getByTestId('mapping-phase')).toHaveText('Stopped');
  // With the engine off, the dashboard offers Start prominently.
  const offer = page.getByRole('region', { name: 'Engine off' });
  await expect(offer).toContainText('The engine is not running');
  await shoot(page, 'sync-engine-off');

  await offer.getByRole('button', { name: 'Start the sync' }).click();
  await expect(engine).toHaveText(/Running|Starting…/);

  // The initial load with its progress: some of the 50,000 done, a rate.
  await expect(row.getByTestId('mapping-phase')).toHaveText('Initial load', { timeout: 30_000 });
  const bar = row.getByRole('progressbar', { name: 'Account initial load' });
  await expect(bar).toHaveAttribute('aria-valuemax', String(TOTAL), { timeout: 30_000 });
  await shoot(page, 'sync-initial-load');
  // Watch the bar until a page of records has landed (or the load is over); every value seen
  // is kept, so a load that jumps from nothing to everything is told apart from one that moves.
  const seen: number[] = [];
  const readBar = () =>
    row.evaluate((el) => {
      const found = el.querySelector('[role="progressbar"]');
      return found ? Number(found.getAttribute('aria-valuenow')) : null;
    });
  await expect
    .poll(
      async () => {
        const done = await readBar();
        if (done === null) return 'finished';
        seen.push(done);
        return done > 0 ? 'moving' : 'waiting';
      },
      { timeout: 90_000, intervals: [100] },
    )
    .not.toBe('waiting');
  const moving = seen.filter((done) => done > 0 && done < TOTAL);
  if (moving.length > 0) {
    const progress = row.getByTestId('load-progress');
    await expect.soft(progress).toContainText(/of 50,000/);
    await expect.soft(progress).toContainText(/[\d,.]+\/s/);
    await shoot(page, 'sync-initial-load');
  }
  // Soft: the rest of the journey (to Synced) still runs and is shot when this fails.
  expect
    .soft(moving.length, `progress values seen during the load: ${[...new Set(seen)].join(', ')}`)
    .toBeGreaterThan(0);

  // Then Synced, with every row in Postgres.
  await admin(org.url, 'DELETE', 'faults');
  await expect(row.getByTestId('mapping-phase')).toHaveText('Synced', { timeout: 120_000 });
  await expect(row.getByTestId('mapping-rows')).toHaveText('50,000', { timeout: 15_000 });
  await expect(row.getByRole('progressbar')).toHaveCount(0);
  // What the load did stays said after it, and the log says times as a person would.
  await expect(row).toContainText(/Loaded 50,000 rows in [\d.]+ s|Loaded 50,000 rows in \d+ min/);
  const log = page.getByRole('log', { name: 'Engine events' });
  await expect(log).toContainText('Account');
  await expect(log).toContainText(/synced; next poll in/);
  await expect(log).not.toContainText(/\d{4}-\d{2}-\d{2}T\d{2}:/);
  await shoot(page, 'sync-synced');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shoot(page, 'sync-synced-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // Ctrl+Enter only starts: pressed on a running engine it changes nothing.
  await page.keyboard.press('Control+Enter');
  await page.waitForTimeout(700);
  await expect(engine).toHaveText('Running');

  // The reload confirmation is modal: focus starts on Cancel and stays where the user moves it
  // (the dashboard re-renders every second), the page's shortcuts keep still behind it, and
  // Esc closes it with the focus back on Reload.
  const reload = row.getByRole('button', { name: 'Reload Account' });
  await reload.click();
  const dialog = page.getByRole('alertdialog', { name: 'Reload Account?' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await page.keyboard.press('Tab');
  const confirm = dialog.getByRole('button', { name: 'Empty and reload' });
  await expect(confirm).toBeFocused();
  await page.waitForTimeout(2_200);
  await expect(confirm).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  // Opened as a modal (showModal): the page behind is inert.
  expect(await dialog.evaluate((el) => el.matches(':modal'))).toBe(true);
  await page.keyboard.press('Control+Shift+S');
  await page.waitForTimeout(500);
  await expect(engine).toHaveText('Running');
  await shoot(page, 'sync-reload-dialog');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shoot(page, 'sync-reload-dialog-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(reload).toBeFocused();

  // Stop: the engine goes off and the offer to start comes back.
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(engine).toHaveText('Off');
  const offerAgain = page.getByRole('region', { name: 'Engine off' });
  await expect(offerAgain).toContainText('Start it to keep the Account mapping in sync');
  await shoot(page, 'sync-stopped');
  await page.emulateMedia({ colorScheme: 'dark' });
  await shoot(page, 'sync-stopped-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // The keys: Ctrl+Enter starts, Ctrl+Shift+S stops.
  await page.keyboard.press('Control+Enter');
  await expect(engine).toHaveText(/Running|Starting…/);
  await expect(row.getByTestId('mapping-phase')).toHaveText('Synced', { timeout: 30_000 });
  await page.keyboard.press('Control+Shift+S');
  await expect(engine).toHaveText('Off');
  expect(errors).toEqual([]);
});
