/**
 * The Python SDK's overhead: a pure-Python training loop whose batches are
 * about 1 ms of CPU each (12×12 matrix products, calibrated at start) reports
 * its training metrics after every batch (and progress every 100), against the
 * same loop reporting nothing. The trial (bench/support/sdk_overhead_trial.py)
 * is a real /usr/bin/python3 process of a real master, so reports cross real
 * HTTP; CPU is the whole trial process's, the SDK's sending thread included.
 * Aim: < 2%.
 *
 *   node --import tsx bench/python-sdk-overhead.ts
 *   WORK_MS=5 BATCHES=2000 node --import tsx bench/python-sdk-overhead.ts   # bigger batches
 */
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PYTHON, PYTHON_SDK, requirePython } from "./support/python.js";
import { measureSdkOverhead } from "./support/sdk-overhead-run.js";

const ROOT = resolve(import.meta.dirname, "..");
const BATCHES = Number(process.env.BATCHES ?? 4000);
const ROUNDS = Number(process.env.ROUNDS ?? 20);
/** Unmeasured rounds of each kind first: the first connection to the master, warm caches. */
const WARMUP_ROUNDS = Number(process.env.WARMUP_ROUNDS ?? 2);
/** CPU per batch to calibrate to, in ms (1 ms: a small model on a CPU). */
const WORK_MS = Number(process.env.WORK_MS ?? 1);

export async function run(): Promise<Record<string, number>> {
  requirePython();
  const perRound = Math.floor(BATCHES / ROUNDS);
  return measureSdkOverhead({
    entrypoint: `${PYTHON} ${join(ROOT, "bench/support/sdk_overhead_trial.py")}`,
    rounds: ROUNDS,
    warmupRounds: WARMUP_ROUNDS,
    perRound,
    variables: {
      PYTHONPATH: PYTHON_SDK,
      ROUNDS: String(ROUNDS),
      WARMUP_ROUNDS: String(WARMUP_ROUNDS),
      PER_ROUND: String(perRound),
      WORK_MS: String(WORK_MS),
    },
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run();
