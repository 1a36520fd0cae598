/**
 * Bookkeeping overhead on a Slurm cluster: TRIALS (default 100) trials of
 * examples/synthetic, each shaped to take 1 s (5 batches of 200 ms), on SLOTS
 * (default 4) slots, through a real master, first with the local launcher
 * and then as Slurm jobs on a cluster of one (its own munged, slurmctld and
 * slurmd; a job per trial process, each running trial after trial). Prints
 * both wall times against the ideal (trials × 1 s / slots) side by side, and
 * Slurm's own scheduling latency: `sbatch` to the job's first command
 * running, measured on bare jobs, which is part of the Slurm ratio.
 * Skips, saying why, where Slurm is not installed or not run as root.
 *
 *   npm run build && node --import tsx bench/slurm-overhead.ts
 *   TRIALS=40 SLOTS=4 node --import tsx bench/slurm-overhead.ts
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type SlurmCluster, startSlurmCluster } from "../tests/support/slurm-cluster.js";
import { fmt, percentile } from "./support/bench-master.js";
import { slurmLauncherOn, slurmUnavailable } from "./support/slurm.js";
import { measureTrialOverhead } from "./support/trial-overhead-run.js";

const ROOT = resolve(import.meta.dirname, "..");
const WORKDIR = join(ROOT, "examples/synthetic");
const LATENCY_JOBS = 10;

/**
 * `sbatch` → the job's first command, in ms, for `jobs` bare jobs submitted
 * one after another (each waits for the last to start): Slurm's own share
 * of starting a trial, before any of pushtune's.
 */
async function schedulingLatency(cluster: SlurmCluster, jobs: number): Promise<number[]> {
  const dir = await mkdtemp(join(cluster.dir, "latency-"));
  const out: number[] = [];
  for (let i = 0; i < jobs; i++) {
    const started = join(dir, `started-${i}`);
    const submitted = Date.now();
    await cluster.slurm(
      "sbatch",
      "--cpus-per-task=1",
      "--output=/dev/null",
      "--wrap",
      `date +%s%3N > ${started}.tmp && mv ${started}.tmp ${started}`,
    );
    while (!existsSync(started)) await new Promise((r) => setTimeout(r, 5));
    out.push(Number((await readFile(started, "utf8")).trim()) - submitted);
  }
  await rm(dir, { recursive: true, force: true });
  return out.sort((a, b) => a - b);
}

export async function run(): Promise<Record<string, number>> {
  const why = slurmUnavailable();
  if (why !== null) {
    console.log(`skipped: ${why}`);
    return {};
  }
  if (!existsSync(join(ROOT, "dist/sdk-bundle/index.js"))) {
    throw new Error("trials import the built SDK: run `npm run build` first");
  }
  const trials = Number(process.env.TRIALS ?? 100);
  const slots = Number(process.env.SLOTS ?? 4);
  const workload = { trials, slots, entrypoint: "node train.js", workdir: WORKDIR, sleepMs: 200 };
  // Trials sleep: the node offers `slots` CPUs however many this machine has.
  const cluster = await startSlurmCluster({ cpus: Math.max(slots, LATENCY_JOBS) });
  try {
    const latency = await schedulingLatency(cluster, LATENCY_JOBS);
    console.log("local launcher:");
    const local = await measureTrialOverhead(workload);
    console.log("Slurm launcher:");
    const slurm = await measureTrialOverhead({
      ...workload,
      launcher: (dataDir) => slurmLauncherOn(cluster, slots, dataDir),
    });
    const mean = latency.reduce((a, b) => a + b, 0) / latency.length;
    console.log(
      `overhead against the ideal: Slurm ${fmt(slurm.ratio!, 3)}× beside local ${fmt(local.ratio!, 3)}× ` +
        `(wall ${fmt(slurm.wallSeconds!, 1)} s and ${fmt(local.wallSeconds!, 1)} s, ideal ${fmt(local.idealSeconds!, 1)} s)`,
    );
    console.log(
      `  Slurm's own scheduling latency, sbatch → job running: mean ${fmt(mean, 0)} ms, ` +
        `p50 ${fmt(percentile(latency, 50), 0)} ms, max ${fmt(latency.at(-1)!, 0)} ms (${LATENCY_JOBS} bare jobs); ` +
        `a job's end is read from its exit record within a tail interval (250 ms)`,
    );
    return {
      slurmRatio: slurm.ratio!,
      localRatio: local.ratio!,
      slurmWallSeconds: slurm.wallSeconds!,
      localWallSeconds: local.wallSeconds!,
      schedulingLatencyMs: mean,
    };
  } finally {
    await cluster.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run();
