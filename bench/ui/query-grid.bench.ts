// A 100,000-row query result in the Query workspace's grid (ResultGrid over DataTable, the real
// components built into a page with Vite), scrolled in Chromium two ways: top to bottom in 600
// frames (dragging the scroll bar: every frame shows new rows) and 120 px per frame for 600 frames
// (a wheel). The page moves scrollTop one step per animation frame and records each frame's
// duration (rAF to rAF) and, every 10 frames, how many rows are in the DOM. The records are synthetic Salesforce JSON
// made in the page (parent fields, a child subquery on every 7th account, so rows expand).
// Baseline, side by side in the same page and run: the same scroll over a box of the same height
// with nothing in it (what the browser's frames cost without the grid).
// Goal: only visible rows in the DOM (a few dozen, not 100,000), and frames near 16.7 ms.
// Run: node --import tsx bench/ui/query-grid.bench.ts
import { chromium } from '@playwright/test';
import { buildAndServeQueryPage, CHROMIUM, percentile } from './query-page/serve';

const ROWS = 100_000;
const STEPS = 600;
/** A wheel notch or a quick trackpad swipe moves about this much per frame. */
const WHEEL_PX = 120;
/** Functions sent to the page are tsx-compiled and may call esbuild's keep-names helper. */
const KEEP_NAMES_SHIM = 'window.__name = (f) => f';

interface Scroll {
  frames: number[];
  domRows: number[];
}

function summary(label: string, scroll: Scroll): string {
  const f = scroll.frames;
  const over = f.filter((ms) => ms > 20).length;
  return (
    `  ${label.padEnd(22)} frames p50 ${percentile(f, 50).toFixed(1)} ms, p95 ${percentile(f, 95).toFixed(1)} ms, ` +
    `max ${Math.max(...f).toFixed(1)} ms, ${over} of ${f.length} over 20 ms`
  );
}

async function main() {
  const served = await buildAndServeQueryPage();
  const browser = await chromium.launch(CHROMIUM);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(KEEP_NAMES_SHIM);
    await page.goto(`${served.url}?mode=grid&rows=${ROWS}`);
    await page.waitForFunction(() => window.bench?.ready === true, null, { timeout: 120_000 });
    const firstRenderMs = await page.evaluate(() => window.bench.firstRender as Promise<number>);
    const generateMs = await page.evaluate(() => window.bench.generateMs as number);
    // Warm up once, then measure the grid and the baseline alternately, twice each.
    await page.evaluate(
      (steps) => (window.bench.scrollGrid as (n: number) => Promise<Scroll>)(steps),
      60,
    );
    const run = async (pxPerFrame: number | undefined) => {
      const grid: Scroll = { frames: [], domRows: [] };
      const empty: Scroll = { frames: [], domRows: [] };
      for (let round = 0; round < 2; round++) {
        const args = { steps: STEPS, px: pxPerFrame };
        const g = await page.evaluate(
          ({ steps, px }) =>
            (window.bench.scrollGrid as (n: number, px?: number) => Promise<Scroll>)(steps, px),
          args,
        );
        const e = await page.evaluate(
          ({ steps, px }) =>
            (window.bench.scrollEmpty as (n: number, px?: number) => Promise<Scroll>)(steps, px),
          args,
        );
        grid.frames.push(...g.frames);
        grid.domRows.push(...g.domRows);
        empty.frames.push(...e.frames);
      }
      return { grid, empty };
    };
    const drag = await run(undefined);
    const wheel = await run(WHEEL_PX);
    const domRows = [...drag.grid.domRows, ...wheel.grid.domRows];
    const domMax = Math.max(...domRows);
    console.log(
      `Query result grid, ${ROWS.toLocaleString('en-US')} rows: records made in ${generateMs.toFixed(0)} ms, ` +
        `first rows shown ${firstRenderMs.toFixed(0)} ms after mounting`,
    );
    console.log(
      `  DOM rows while scrolling: ${Math.min(...domRows)}–${domMax} (header row included; the result has ${ROWS.toLocaleString('en-US')})`,
    );
    for (const [label, { grid, empty }] of [
      [`top to bottom in ${STEPS} frames`, drag],
      [`${WHEEL_PX} px per frame`, wheel],
    ] as const) {
      console.log(` ${label} (×2):`);
      console.log(summary('grid', grid));
      console.log(summary('baseline: empty box', empty));
      const ratio = percentile(grid.frames, 95) / percentile(empty.frames, 95);
      console.log(`  frame p95 ratio grid / empty box ${ratio.toFixed(2)}×`);
    }
    console.log(`  only visible rows in the DOM: ${domMax < 100 ? 'yes' : 'NO'}`);
  } finally {
    await browser.close();
    await served.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
