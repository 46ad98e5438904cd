// The Trigger-log inspector end to end, in Chromium through the web host, on the studio's own
// demo (local org, embedded Postgres, the engine running): a write the local org refuses with
// its validation rule (Amount < 0) is found by filter, explained, fixed in Postgres, retried,
// and turns SUCCESS in the grid without a reload.
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import pg from 'pg';
import type { ApiMethod, ApiResult } from '../../src-shared/api';
import { callStudio, expect, freshTest as test, type RunningStudio } from './studio-fixture';

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

test.setTimeout(240_000);

const call = <M extends ApiMethod>(studio: RunningStudio, method: M, params: object = {}) =>
  callStudio<ApiResult<M>>(studio, method, params);

const shoot = (page: Page, name: string) =>
  page.screenshot({ path: `${SHOTS}/trigger-log-${name}.png` });

/** Polls `read` until `done` says yes, or fails with what it last saw. */
async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not happen in ${timeoutMs} ms; last seen: ${JSON.stringify(last)}`);
}

/** The embedded server's URL with the password its StartedService leaves out. */
function withPassword(url: string): string {
  const parsed = new URL(url);
  parsed.username = 'postgres';
  parsed.password = 'postgres';
  return parsed.toString();
}

interface ConnectExport {
  mappings: { object_name: string; config: { access: string } }[];
}

test('a FAILED write found by filter, explained, fixed in Postgres and retried to SUCCESS', async ({
  page,
  freshStudio,
}) => {
  const demo = await call(freshStudio, 'demo.open');
  const schema = demo.schemaName;
  await waitFor(
    'every mapping synced',
    () => call(freshStudio, 'sync.status'),
    (s) => s.mappings.length > 0 && s.mappings.every((m) => m.phase === 'synced'),
  );

  // Opportunity becomes read-write, so its changes go through the trigger log.
  const state = await call(freshStudio, 'mappings.state');
  expect(state.applied, 'the demo applied its mappings').not.toBeNull();
  const document = JSON.parse(state.applied!) as ConnectExport;
  const opportunity = document.mappings.find((m) => m.object_name === 'Opportunity');
  expect(opportunity, 'the demo maps Opportunity').toBeDefined();
  opportunity!.config.access = 'read_write';
  await call(freshStudio, 'mappings.apply', { document: JSON.stringify(document, null, 2) });

  const started = await call(freshStudio, 'embeddedPostgres.start');
  const db = new pg.Client({ connectionString: withPassword(started.url) });
  await db.connect();
  try {
    const inserted = await db.query<{ id: number }>(
      `INSERT INTO "${schema}".opportunity (name, stagename, closedate, amount)
       VALUES ('E2E negative deal', 'Prospecting', current_date + 30, -5) RETURNING id`,
    );
    const recordId = inserted.rows[0]!.id;
    const logged = await waitFor(
      'the insert to fail in Salesforce',
      () =>
        db.query<{ id: number; state: string; sf_message: string | null }>(
          `SELECT id, state, sf_message FROM "${schema}"._trigger_log
            WHERE table_name = 'opportunity' AND record_id = $1 AND action = 'INSERT'`,
          [recordId],
        ),
      (r) => r.rows[0]?.state === 'FAILED',
    );
    const logId = logged.rows[0]!.id;
    expect(logged.rows[0]!.sf_message).toContain('Amount must not be negative');

    // Find it by filter.
    await page.goto(`${freshStudio.openUrl}#/trigger-log`);
    const grid = page.getByRole('grid', { name: 'Trigger log rows' });
    await expect(grid).toBeVisible();
    await page
      .getByRole('group', { name: 'States' })
      .getByRole('button', { name: /FAILED/ })
      .click();
    await expect(page).toHaveURL(/state=FAILED/);
    const row = grid.getByRole('row').filter({
      has: page.getByRole('gridcell', { name: String(logId), exact: true }),
    });
    await expect(row).toBeVisible();
    await expect(row).toContainText('FAILED');
    await expect(row).toContainText('opportunity');
    await expect(row).toContainText('Amount must not be negative');
    await shoot(page, 'failed-filter');

    // A reload keeps the filter.
    await page.reload();
    await expect(
      page.getByRole('group', { name: 'States' }).getByRole('button', { name: /FAILED/ }),
    ).toHaveAttribute('aria-pressed', 'true');
    await expect(row).toBeVisible();

    // Its detail explains the validation rule.
    await row.click();
    await expect(page).toHaveURL(new RegExp(`row=${logId}`));
    const detail = page.getByRole('complementary', { name: `Trigger-log row ${logId}` });
    const why = detail.getByRole('region', { name: 'What went wrong' });
    await expect(why).toContainText(/validation rule/i);
    await expect(why).toContainText('Amount must not be negative');
    await expect(why).toContainText('FIELD_CUSTOM_VALIDATION_EXCEPTION');
    await expect(detail.getByRole('table', { name: 'Old and new values' })).toContainText('-5');
    await shoot(page, 'failed-detail');

    // Fix the row in Postgres, retry, and watch the same page turn it SUCCESS.
    await page.evaluate(() => {
      (window as unknown as { __noReload: string }).__noReload = 'still here';
    });
    await db.query(`UPDATE "${schema}".opportunity SET amount = 5 WHERE id = $1`, [recordId]);
    await detail.getByRole('button', { name: 'Retry', exact: true }).click();
    // The engine takes the row (NEW, PENDING) and writes its answer; the grid follows live.
    const settled = await waitFor(
      'the retried row to be written',
      () =>
        db.query<{ state: string; sf_message: string | null }>(
          `SELECT state, sf_message FROM "${schema}"._trigger_log WHERE id = $1
           UNION ALL SELECT state, sf_message FROM "${schema}"._trigger_log_archive WHERE id = $1`,
          [logId],
        ),
      (r) => r.rows[0] !== undefined && !['NEW', 'PENDING'].includes(r.rows[0].state),
      60_000,
    );
    const { state: finalState, sf_message: finalMessage } = settled.rows[0]!;
    // Whatever the engine answered, the grid shows it without a reload.
    await expect(row.getByRole('gridcell', { name: finalState, exact: true })).toBeVisible();
    expect(
      await page.evaluate(() => (window as unknown as { __noReload?: string }).__noReload),
    ).toBe('still here');
    await shoot(page, 'retried');
    expect(
      finalState,
      `the retried row of the fixed record should be SUCCESS; Salesforce said: ${finalMessage}`,
    ).toBe('SUCCESS');
    await expect(row.getByText('SUCCESS', { exact: true })).toBeVisible();
    await expect(detail.locator('.tl-detail__header')).toContainText('SUCCESS');
    await shoot(page, 'retried-success');
  } finally {
    await db.end();
  }
});
