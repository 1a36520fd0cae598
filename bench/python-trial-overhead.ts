/**
 * Bookkeeping overhead of Python trials: 200 trials, each sleeping 0.5 s (5
 * batches of 100 ms, one op, bench/support/sleep_trial.py), on 10 slots,
 * through a real master (SQLite, the local launcher, /usr/bin/python3
 * processes running trial after trial with `pushtune.trials()`, so the
 * interpreter's start-up is paid once per process). Prints the wall time
 * against the ideal (trials × 0.5 s / slots; aim < 1.10×) and where each
 * trial's extra time goes, as bench/trial-overhead.ts does for Node.js trials.
 *
 *   node --import tsx bench/python-trial-overhead.ts
 *   TRIALS=50 SLOTS=10 node --import tsx bench/python-trial-overhead.ts
 */
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PYTHON, PYTHON_SDK, requirePython } from "./support/python.js";
import { measureTrialOverhead } from "./support/trial-overhead-run.js";

const ROOT = resolve(import.meta.dirname, "..");

export async function run(): Promise<Record<string, number>> {
  requirePython();
  return measureTrialOverhead({
    trials: Number(process.env.TRIALS ?? 200),
    slots: Number(process.env.SLOTS ?? 10),
    entrypoint: `${PYTHON} sleep_trial.py`,
    workdir: join(ROOT, "bench/support"),
    variables: { PYTHONPATH: PYTHON_SDK },
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run();
