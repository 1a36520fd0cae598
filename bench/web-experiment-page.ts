/**
 * The experiment page at scale: 5,000 trials × 50 validation points, stored
 * directly, then the time from navigation until the page marks itself ready
 * (`data-ready`: trials table rendered, every curve loaded and drawn) in
 * headless Chromium. Aim: under 2 s. The first view is cold (the master has
 * not read the rows yet), the others find them in its columns cache. Also
 * times the two big API calls behind the page.
 */
import { fileURLToPath } from "node:url";
import { launchBrowser, screenshot } from "../tests/web/support/browser.js";
import { ensureWebBuilt } from "../tests/web/support/build-web.js";
import { seedExperiment } from "../tests/web/support/seed-experiment.js";
import { fmt, startBenchMaster } from "./support/bench-master.js";
import { timeViews } from "./support/time-views.js";

const TRIALS = Number(process.env.TRIALS ?? 5000);
const POINTS = 50;
const RUNS = 3;

/** In the page: when each API call started and ended, and when the page said it was ready (ms since navigation). */
const RESOURCE_TIMES = `[
  ...performance.getEntriesByType("resource")
    .filter((e) => e.name.includes("/api/v1/"))
    .map((e) => ({ name: new URL(e.name).pathname.replace(/^.*\\/api\\/v1\\/(experiments\\/\\d+\\/?)?/, "") || "experiment", from: Math.round(e.startTime), to: Math.round(e.responseEnd) })),
  ...performance.getEntriesByName("pushtune:experiment-ready").map((e) => ({ name: "ready", from: Math.round(e.startTime), to: Math.round(e.startTime) })),
]`;

export async function run(): Promise<Record<string, number>> {
  await ensureWebBuilt();
  const bm = await startBenchMaster(4);
  const owner = (await bm.master.store.getUserByName("admin"))!;
  const inserting = performance.now();
  const { experimentId } = await seedExperiment(bm.master.store, {
    trials: TRIALS,
    points: POINTS,
    name: "bench-5000",
    ownerId: owner.id,
  });
  const insertSeconds = (performance.now() - inserting) / 1000;

  const browser = await launchBrowser({ token: bm.token });
  let browserDone = false;
  let views: Record<string, number> = {};
  const times: number[] = [];
  const fetches: { name: string; from: number; to: number }[][] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      await browser.page.goto("about:blank");
      const started = performance.now();
      await browser.page.goto(`${bm.url}/#/experiments/${experimentId}`);
      await browser.page.locator(".experiment-page[data-ready]").waitFor({ timeout: 60_000 });
      times.push(performance.now() - started);
      fetches.push(
        (await browser.page.evaluate(RESOURCE_TIMES)) as {
          name: string;
          from: number;
          to: number;
        }[],
      );
    }
    const shown = browser.page.locator(".curves");
    const points = Number(await shown.getAttribute("data-points"));
    const curves = Number(await shown.getAttribute("data-trials"));
    if (points !== TRIALS * POINTS || curves !== TRIALS)
      throw new Error(`page shows ${curves} curves with ${points} points`);
    await screenshot(browser.page, "experiment-5000-trials");
    views = await timeViews(browser.page);
    browserDone = true;
  } finally {
    await browser.close();
    if (!browserDone) await bm.close();
  }
  const api = async (path: string) => {
    const started = performance.now();
    const res = await fetch(`${bm.url}/api/v1${path}`, {
      headers: { authorization: `Bearer ${bm.token}` },
    });
    const bytes = (await res.arrayBuffer()).byteLength;
    return { ms: performance.now() - started, bytes };
  };
  // Warm: the master has read every row once already.
  const columns = await api(`/experiments/${experimentId}/validation-columns?limit=500000`);
  const trials = await api(`/experiments/${experimentId}/trials`);
  // What the cold view cannot avoid: the store reading every row once.
  const reading = performance.now();
  for (let after = 0; ; ) {
    const rows = await bm.master.store.listMetrics({
      experimentId,
      after,
      limit: 100_000,
    });
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.id;
  }
  const storeMs = performance.now() - reading;

  await bm.close();

  const sorted = [...times].sort((a, b) => a - b);
  const first = times[0]!;
  const median = sorted[Math.floor(sorted.length / 2)]!;
  console.log(
    `experiment page, ${fmt(TRIALS)} trials × ${POINTS} validation points (stored in ${fmt(insertSeconds, 1)} s):`,
  );
  console.log(
    `  navigation → table and curves drawn   first ${fmt(first)} ms, median of ${RUNS} ${fmt(median)} ms   (aim < 2,000 ms)`,
  );
  console.log(
    `  GET validation-columns (one page)      ${fmt(columns.ms)} ms, ${fmt(columns.bytes / 1e6, 1)} MB`,
  );
  console.log(
    `  GET trials                             ${fmt(trials.ms)} ms, ${fmt(trials.bytes / 1e6, 1)} MB`,
  );
  console.log(
    `  store read of all ${fmt(TRIALS * POINTS)} validation rows  ${fmt(storeMs)} ms (the first view's floor)`,
  );
  console.log(
    "  analysis views (ms in the page, and as a share of this run's median page load; aim < 1,000 ms each):",
  );
  for (const [name, ms] of Object.entries(views))
    console.log(`    ${name.padEnd(58)} ${fmt(ms).padStart(6)} ms  ${fmt(ms / median, 2)} × load`);
  for (const [i, run] of fetches.entries())
    console.log(
      `  run ${i + 1}, ms after navigation: ${run.map((f) => (f.name === "ready" ? `ready ${f.to}` : `${f.name} ${f.from}–${f.to}`)).join(", ")}`,
    );
  return {
    ...Object.fromEntries(Object.entries(views).map(([k, v]) => [`view ${k}`, v])),
    firstMs: first,
    medianMs: median,
    columnsMs: columns.ms,
    trialsMs: trials.ms,
    storeMs,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run();
