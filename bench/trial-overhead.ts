/**
 * Bookkeeping overhead of real trials: 200 trials of examples/synthetic, each
 * shaped to sleep 0.5 s (5 batches of 100 ms, one op), on 10 slots, through a
 * real master (`startMaster`: SQLite, the local launcher, `node train.js`
 * processes importing the built SDK, each running trial after trial with
 * `trials()`). Prints the wall time against the ideal (trials × 0.5 s / slots;
 * aim < 1.10×), the time from `experiment create` to the first trial's first
 * metric, the start and the end of the run (until every slot's first trial
 * reports; slots idle after their last trial), where each trial's extra time
 * goes, and the CPU spent per trial by the master and by the trial processes.
 * The start is paid once whatever the number of trials: ten processes start
 * the runtime and import the SDK together, on however many cores there are
 * (on 2 cores, about 0.9 s against the 10 s ideal). Then the same trials once
 * more with one `fit()` per process (bench/support/one-fit-per-process.js: a
 * process start and the imports for every trial), for what `fitTrials` is
 * worth.
 *
 *   npm run build && node --import tsx bench/trial-overhead.ts
 *   TRIALS=50 SLOTS=10 node --import tsx bench/trial-overhead.ts
 *   BENCH_DB=postgres node --import tsx bench/trial-overhead.ts   (a fresh database on 127.0.0.1:5432)
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { fmt } from "./support/bench-master.js";
import { measureTrialOverhead } from "./support/trial-overhead-run.js";

const ROOT = resolve(import.meta.dirname, "..");
/** The examples folder the trials run in (another checkout's, to compare builds). */
const WORKDIR = process.env.WORKDIR ?? join(ROOT, "examples/synthetic");

/**
 * NODE_EXTRA_CA_CERTS (set on some machines for a proxy's certificate
 * authority) makes Node 20 read and parse a whole CA bundle at every process
 * start: about 65 ms of CPU per trial process on a 2-core machine, a cost of
 * the machine's setup rather than of pushtune's bookkeeping. The trial
 * processes start without it unless KEEP_NODE_EXTRA_CA_CERTS=1.
 */
const DROP_CA_CERTS =
  process.env.NODE_EXTRA_CA_CERTS !== undefined && process.env.KEEP_NODE_EXTRA_CA_CERTS !== "1";

export async function run(): Promise<Record<string, number>> {
  if (!existsSync(join(ROOT, "dist/sdk-bundle/index.js"))) {
    throw new Error("trials import the built SDK: run `npm run build` first");
  }
  // The local launcher gives trials the master's environment, as it is at each launch.
  const caCerts = process.env.NODE_EXTRA_CA_CERTS;
  if (DROP_CA_CERTS) delete process.env.NODE_EXTRA_CA_CERTS;
  const notes = DROP_CA_CERTS
    ? [
        "trial processes started without this machine's NODE_EXTRA_CA_CERTS: KEEP_NODE_EXTRA_CA_CERTS=1 keeps it",
      ]
    : [];
  const trials = Number(process.env.TRIALS ?? 200);
  const slots = Number(process.env.SLOTS ?? 10);
  try {
    const figures = await measureTrialOverhead({
      trials,
      slots,
      entrypoint: "node train.js",
      workdir: WORKDIR,
      notes,
    });
    console.log("the same trials, one fit() per process (no fitTrials):");
    const alone = await measureTrialOverhead({
      trials,
      slots,
      entrypoint: "node one-fit-per-process.js",
      workdir: join(ROOT, "bench/support"),
      showAim: false,
    });
    console.log(
      `fitTrials: wall ${fmt(figures.ratio!, 3)}× the ideal, one fit() per process ${fmt(alone.ratio!, 3)}×; ` +
        `fitTrials takes ${fmt(figures.wallSeconds! / alone.wallSeconds!, 2)} of its wall time`,
    );
    return { ...figures, oneFitPerProcessRatio: alone.ratio! };
  } finally {
    if (caCerts !== undefined) process.env.NODE_EXTRA_CA_CERTS = caCerts;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run();
