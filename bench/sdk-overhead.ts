/**
 * SDK overhead: a training loop whose batches are about 1 ms of CPU each (a
 * 40×40 matrix product repeated, calibrated at start; a small model on a CPU)
 * reports its training metrics after every batch (and progress every 100),
 * against the same loop reporting nothing. The trial is a real process of a real master (started
 * here, with the local launcher), so reports cross real HTTP. The two loops
 * alternate in rounds, so a slow spell of the machine hits both. Aim: < 2%.
 *
 *   npm run build && node --import tsx bench/sdk-overhead.ts
 *   WORK_MS=5 BATCHES=2000 node --import tsx bench/sdk-overhead.ts   # bigger batches
 *   WARMUP_ROUNDS=1 …   # rounds of each kind run before measuring (default 8)
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { measureSdkOverhead } from "./support/sdk-overhead-run.js";

const ROOT = resolve(import.meta.dirname, "..");
const BATCHES = Number(process.env.BATCHES ?? 4000);
const ROUNDS = Number(process.env.ROUNDS ?? 20);
/**
 * Unmeasured rounds of each kind first. V8 optimises the report path only
 * after about a thousand reports (tens of ms of CPU on its compiler threads):
 * a one-time cost that a training run never notices, but that a few seconds
 * of measurement would charge to reporting.
 */
const WARMUP_ROUNDS = Number(process.env.WARMUP_ROUNDS ?? 8);
/** CPU per batch to calibrate to, in ms (1 ms: a small model on a CPU). */
const WORK_MS = Number(process.env.WORK_MS ?? 1);

/**
 * The trial, as plain JavaScript importing the built SDK (what a user runs):
 * calibrates one "batch" (products of two 40×40 matrices) to about 1 ms of
 * CPU, then alternates rounds of plain batches and reporting batches, and
 * writes what it measured to SDK_OVERHEAD_RESULT.
 */
const TRIAL = `
import { writeFile } from "node:fs/promises";
import { init } from ${JSON.stringify(pathToFileURL(join(ROOT, "dist/sdk-bundle/index.js")).href)};

const N = 40;
const ROUNDS = ${ROUNDS};
const WARMUP_ROUNDS = ${WARMUP_ROUNDS};
const PER_ROUND = ${Math.floor(BATCHES / ROUNDS)};

function work(a, b, c, reps) {
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        let sum = 0;
        for (let k = 0; k < N; k++) sum += a[i * N + k] * b[k * N + j];
        c[i * N + j] = sum * 1e-3;
      }
    }
    a.set(c);
  }
  return c[0] + 1;
}

// Wall time spent inside work() itself, to tell a slower machine from SDK time.
let inWork = 0;
async function measure(run) {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  inWork = 0;
  await run();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000, workMs: inWork };
}

const ctx = await init({ handleExitSignals: false });
const a = new Float64Array(N * N).map((_, i) => (i % 7) / 7);
const b = new Float64Array(N * N).map((_, i) => (i % 5) / 5);
const c = new Float64Array(N * N);
let reps = 1;
for (;;) {
  const started = process.cpuUsage();
  for (let i = 0; i < 50; i++) work(a, b, c, reps);
  const used = process.cpuUsage(started);
  const perBatch = (used.user + used.system) / 1000 / 50;
  if (perBatch >= ${WORK_MS}) break;
  reps = Math.ceil(reps * Math.min(4, ${WORK_MS * 1.1} / Math.max(perBatch, 0.01)));
}
const result = { workMsPerBatch: 0, plain: [], reporting: [] };
let steps = 0;
// One loop for both kinds of round, so the JIT compiles them alike.
async function train(op, batches, report) {
  for (let i = 0; i < batches; i++) {
    const started = performance.now();
    const loss = work(a, b, c, reps);
    inWork += performance.now() - started;
    if (report) {
      steps += 1;
      await ctx.train.reportTrainingMetrics(steps, { loss });
      if (steps % 100 === 0) op.reportProgress(steps);
    }
  }
}
for await (const op of ctx.searcher.operations()) {
  // Warm-up, not measured, of both kinds: the reporting side must not pay the
  // one-time costs of compiling the SDK's report path, nor of re-optimising
  // this loop once its reporting branch is taken.
  for (let round = 0; round < WARMUP_ROUNDS; round++) {
    await train(op, PER_ROUND, false);
    await train(op, PER_ROUND, true);
  }
  for (let round = 0; round < ROUNDS; round++) {
    result.plain.push(await measure(() => train(op, PER_ROUND, false)));
    result.reporting.push(await measure(() => train(op, PER_ROUND, true)));
  }
  await ctx.train.reportValidationMetrics(steps, { validation_loss: 1 });
  await op.reportCompleted(1);
}
result.workMsPerBatch = result.plain.reduce((s, p) => s + p.cpuMs, 0) / (ROUNDS * PER_ROUND);
await ctx.close();
await writeFile(process.env.SDK_OVERHEAD_RESULT, JSON.stringify(result));
`;

export async function run(): Promise<Record<string, number>> {
  if (!existsSync(join(ROOT, "dist/sdk-bundle/index.js"))) {
    throw new Error("the trial imports the built SDK: run `npm run build` first");
  }
  return measureSdkOverhead({
    files: { "trial.mjs": TRIAL },
    entrypoint: `node ${process.env.TRIAL_NODE_FLAGS ?? ""} trial.mjs`,
    rounds: ROUNDS,
    warmupRounds: WARMUP_ROUNDS,
    perRound: Math.floor(BATCHES / ROUNDS),
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run();
