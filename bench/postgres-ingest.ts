/**
 * Metric pushes over HTTP on PostgreSQL, where push transactions run side by
 * side: TRIALS trials of one experiment on keep-alive connections, each
 * sending (a) BATCHES training batches of 50 rows (group-committed), then
 * (b) VALIDATIONS validations of the searcher metric, one a request (each in
 * a transaction of its own; they are what an experiment's validation cursor
 * follows, so a push holds its experiment's validation lock while it commits).
 *
 *   node --import tsx bench/postgres-ingest.ts   (PostgreSQL on 127.0.0.1:5432)
 */
import { fileURLToPath } from "node:url";
import { createPostgresDatabase } from "../tests/master/support/postgres.js";
import { runLoad } from "./master-ingest.js";
import { fmt, startBenchMaster } from "./support/bench-master.js";

const TRIALS = 64;
const BATCHES = 20;
const ROWS = 50;
const VALIDATIONS = 20;

const config = {
  entrypoint: "true",
  searcher: {
    name: "random",
    metric: "loss",
    max_length: 100_000,
    max_trials: TRIALS,
    max_concurrent_trials: 0,
  },
};

function training(batch: number) {
  return Array.from({ length: ROWS }, (_, i) => ({
    group: "training" as const,
    stepsCompleted: batch * ROWS + i + 1,
    metrics: { loss: 1 / (batch * ROWS + i + 1), accuracy: 0.5 },
  }));
}

/** A loss that grows: no validation after the first is a new best, so none updates the experiment. */
function validation(n: number) {
  return [{ group: "validation" as const, stepsCompleted: n * 100, metrics: { loss: n } }];
}

export async function run(): Promise<Record<string, number>> {
  const db = await createPostgresDatabase();
  const bm = await startBenchMaster(TRIALS, db.url);
  try {
    await bm.post("/experiments", { config, workdir: "/tmp" });
    await bm.settle();
    const specs = [...bm.launcher.live.values()];
    if (specs.length !== TRIALS)
      throw new Error(`expected ${TRIALS} running trials, got ${specs.length}`);
    const load = (count: number, reports: (n: number) => unknown[]) =>
      runLoad(
        bm.url,
        specs.map((s) => ({
          path: `/api/v1/trials/${s.trialId}/metrics`,
          token: s.env.PUSHTUNE_TOKEN!,
          bodies: Array.from({ length: count }, (_, n) =>
            JSON.stringify({
              trialRunId: Number(s.env.PUSHTUNE_TRIAL_RUN_ID),
              reports: reports(n + 1),
            }),
          ),
        })),
      );
    const train = await load(BATCHES, (n) => training(n - 1));
    const validate = await load(VALIDATIONS, validation);
    const rows = (TRIALS * BATCHES * ROWS) / train.seconds;
    const validations = (TRIALS * VALIDATIONS) / validate.seconds;
    const failed = train.failed + validate.failed;
    console.log(`metric pushes (PostgreSQL, ${TRIALS} trials of one experiment at once):`);
    console.log(`  training, ${ROWS} rows a push    ${fmt(rows)} rows/s`);
    console.log(`  validations, one a push   ${fmt(validations)} pushes/s`);
    console.log(`  failed requests           ${failed}`);
    return { rows, validations, failed };
  } finally {
    await bm.close();
    await db.drop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run();
