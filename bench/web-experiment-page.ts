/**
 * The experiment page at scale: 5,000 trials × 50 validation points, stored
 * directly, then the time from navigation until the page marks itself ready
 * (`data-ready`: trials table rendered, every curve loaded and drawn) in
 * headless Chromium. Aim: under 2 s. The first view is cold (the master has
 * not read the rows yet), the others find them in its columns cache. Also
 * times the two big API calls behind the page.
 */
import { fileURLToPath } from "node:url";
import { parseExperimentConfig } from "../src/protocol/config/index.js";
import { launchBrowser, screenshot } from "../tests/web/support/browser.js";
import { ensureWebBuilt } from "../tests/web/support/build-web.js";
import { fmt, startBenchMaster } from "./support/bench-master.js";

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

/** A small deterministic generator, so every run stores the same search. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const config = {
  name: "bench-5000",
  entrypoint: "true",
  hyperparameters: {
    lr: { type: "log", minval: -4, maxval: -1, base: 10 },
    dropout: { type: "double", minval: 0, maxval: 0.5 },
    hidden: { type: "int", minval: 32, maxval: 512 },
    optimizer: { type: "categorical", vals: ["adam", "sgd", "adamw"] },
  },
  searcher: {
    name: "random",
    metric: "validation_loss",
    max_length: { batches: POINTS * 100 },
    max_trials: TRIALS,
  },
};

export async function run(): Promise<Record<string, number>> {
  await ensureWebBuilt();
  const bm = await startBenchMaster(4);
  const store = bm.master.store;
  const parsed = parseExperimentConfig(config);
  if (!parsed.ok) throw new Error("bench config is invalid");
  const owner = (await store.getUserByName("admin"))!;
  const exp = await store.createExperiment({
    name: config.name,
    config: parsed.config,
    configYaml: null,
    workdir: "/tmp",
    ownerId: owner.id,
  });
  const random = rng(42);
  const inserting = performance.now();
  let best = Infinity;
  for (let i = 1; i <= TRIALS; i++) {
    const lr = 10 ** (-4 + 3 * random());
    const hparams = {
      lr,
      dropout: 0.5 * random(),
      hidden: 32 + Math.floor(480 * random()),
      optimizer: ["adam", "sgd", "adamw"][Math.floor(3 * random())]!,
    };
    const t = await store.createTrial({
      experimentId: exp.id,
      requestId: i,
      hparams,
      trialSeed: i,
    });
    const d = Math.log10(lr) + 2;
    const floor = 0.2 + 0.3 * d * d + 0.2 * hparams.dropout;
    const reports = [];
    let trialBest = Infinity;
    let value = 0;
    for (let k = 1; k <= POINTS; k++) {
      value = floor + 2 / Math.sqrt(k) + 0.05 * random();
      trialBest = Math.min(trialBest, value);
      reports.push({
        group: "validation" as const,
        stepsCompleted: k * 100,
        metrics: { validation_loss: value },
        reportTime: new Date(),
      });
    }
    await store.addMetrics(t.id, 1, reports);
    await store.updateTrial(t.id, {
      state: "COMPLETED",
      lengthTrained: POINTS * 100,
      completedLength: POINTS * 100,
      latestValidation: value,
      bestValidation: trialBest,
      endedAt: new Date(),
    });
    best = Math.min(best, trialBest);
  }
  await store.updateExperiment(exp.id, {
    state: "COMPLETED",
    progress: 1,
    bestMetric: best,
    endedAt: new Date(),
  });
  const insertSeconds = (performance.now() - inserting) / 1000;

  const browser = await launchBrowser({ token: bm.token });
  let browserDone = false;
  const times: number[] = [];
  const fetches: { name: string; from: number; to: number }[][] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      await browser.page.goto("about:blank");
      const started = performance.now();
      await browser.page.goto(`${bm.url}/#/experiments/${exp.id}`);
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
  const columns = await api(`/experiments/${exp.id}/validation-columns?limit=500000`);
  const trials = await api(`/experiments/${exp.id}/trials`);

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
  for (const [i, run] of fetches.entries())
    console.log(
      `  run ${i + 1}, ms after navigation: ${run.map((f) => (f.name === "ready" ? `ready ${f.to}` : `${f.name} ${f.from}–${f.to}`)).join(", ")}`,
    );
  return { firstMs: first, medianMs: median, columnsMs: columns.ms, trialsMs: trials.ms };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run();
