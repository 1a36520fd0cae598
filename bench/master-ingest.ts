/**
 * Metric ingestion over HTTP: 200 trials on keep-alive connections, each
 * pushing batches of 50 rows, against (a) the raw store insert rate and (b) a
 * no-op fastify route with the same bodies, all measured in this run.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import Fastify from "fastify";
import { openStore } from "../src/master/storage/open-store.js";
import { parseExperimentConfig } from "../src/protocol/config/index.js";
import { fmt, startBenchMaster } from "./support/bench-master.js";

const TRIALS = 200;
const BATCHES = 20;
const ROWS = 50;

function reports(batch: number) {
  return Array.from({ length: ROWS }, (_, i) => ({
    group: "training" as const,
    stepsCompleted: batch * ROWS + i + 1,
    metrics: { loss: 1 / (batch * ROWS + i + 1), accuracy: 0.5 },
  }));
}

/** Sends each trial's bodies in turn, all trials at once, from a thread of its own. */
export function runLoad(url: string, trials: { path: string; token: string; bodies: string[] }[]) {
  return new Promise<{ seconds: number; failed: number }>((resolve, reject) => {
    const worker = new Worker(
      fileURLToPath(new URL("./support/load-worker.mjs", import.meta.url)),
      {
        workerData: { url, trials },
      },
    );
    worker.once("message", resolve);
    worker.once("error", reject);
  });
}

const config = {
  entrypoint: "true",
  searcher: {
    name: "random",
    metric: "loss",
    max_length: 100,
    max_trials: TRIALS,
    max_concurrent_trials: 0,
  },
};

async function rawInsertRate(): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), "pushtune-bench-raw-"));
  const store = await openStore(join(dir, "raw.db"));
  const parsed = parseExperimentConfig(config);
  if (!parsed.ok) throw new Error("config");
  const user = await store.createUser({ username: "b", passwordHash: null, admin: true });
  const exp = await store.createExperiment({
    name: "raw",
    config: parsed.config,
    configYaml: null,
    workdir: "/tmp",
    ownerId: user.id,
  });
  const trials = [];
  for (let i = 1; i <= TRIALS; i++)
    trials.push(
      await store.createTrial({ experimentId: exp.id, requestId: i, hparams: {}, trialSeed: i }),
    );
  const started = performance.now();
  for (let b = 0; b < BATCHES; b++) {
    const rows = reports(b).map((r) => ({ ...r, reportTime: new Date() }));
    for (const t of trials) await store.addMetrics(t.id, 1, rows);
  }
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  await rm(dir, { recursive: true, force: true });
  return (TRIALS * BATCHES * ROWS) / seconds;
}

async function noopRate(): Promise<{ rate: number; busyRate: number }> {
  const app = Fastify();
  app.post("/api/v1/trials/:id/metrics", async () => ({ inserted: 0 }));
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  const trials = Array.from({ length: TRIALS }, (_, i) => ({
    path: `/api/v1/trials/${i + 1}/metrics`,
    token: "x",
    bodies: Array.from({ length: BATCHES }, (_, b) =>
      JSON.stringify({ trialRunId: 1, reports: reports(b) }),
    ),
  }));
  const elu = performance.eventLoopUtilization();
  const { seconds } = await runLoad(url, trials);
  const busy = performance.eventLoopUtilization(elu).active / 1000;
  await app.close();
  return { rate: (TRIALS * BATCHES * ROWS) / seconds, busyRate: (TRIALS * BATCHES * ROWS) / busy };
}

async function masterRate(): Promise<{ rate: number; busyRate: number; failed: number }> {
  const bm = await startBenchMaster(TRIALS);
  await bm.post("/experiments", { config, workdir: "/tmp" });
  await bm.settle();
  const specs = [...bm.launcher.live.values()];
  if (specs.length !== TRIALS)
    throw new Error(`expected ${TRIALS} running trials, got ${specs.length}`);
  const trials = specs.map((s) => ({
    path: `/api/v1/trials/${s.trialId}/metrics`,
    token: s.env.PUSHTUNE_TOKEN!,
    bodies: Array.from({ length: BATCHES }, (_, b) =>
      JSON.stringify({ trialRunId: Number(s.env.PUSHTUNE_TRIAL_RUN_ID), reports: reports(b) }),
    ),
  }));
  const elu = performance.eventLoopUtilization();
  const { seconds, failed } = await runLoad(bm.url, trials);
  const busy = performance.eventLoopUtilization(elu).active / 1000;
  const stored = await bm.master.store.listMetrics({ trialId: specs[0]!.trialId, limit: 10_000 });
  if (stored.length !== BATCHES * ROWS)
    throw new Error(`trial stored ${stored.length} rows, expected ${BATCHES * ROWS}`);
  await bm.close();
  return {
    rate: (TRIALS * BATCHES * ROWS) / seconds,
    busyRate: (TRIALS * BATCHES * ROWS) / busy,
    failed,
  };
}

export async function run(): Promise<Record<string, number>> {
  const raw = await rawInsertRate();
  const { rate: noop, busyRate: noopBusy } = await noopRate();
  const { rate, busyRate, failed } = await masterRate();
  console.log("metric ingestion (SQLite, 200 trials × 20 batches × 50 rows):");
  console.log(`  raw store insert      ${fmt(raw)} rows/s`);
  console.log(
    `  no-op fastify route   ${fmt(noop)} rows/s  (${fmt(noopBusy)} rows per busy server second)`,
  );
  console.log(
    `  master over HTTP      ${fmt(rate)} rows/s  (${fmt(busyRate)} rows per busy server second; ${failed} failed requests)`,
  );
  console.log(`  master / raw insert   ${fmt(rate / raw, 2)}   (aim ≥ 0.25)`);
  console.log(`  master / no-op route  ${fmt(rate / noop, 2)}`);
  return { raw, noop, rate, busyRate, failed };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run();
