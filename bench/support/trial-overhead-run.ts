/**
 * The harness of the trial-overhead benchmarks (one per SDK): TRIALS trials,
 * each shaped to sleep 0.5 s (5 batches of 100 ms, one op), on SLOTS slots,
 * through a real master (`startMaster`: SQLite, the local launcher, real trial
 * processes, each running trial after trial). Prints the wall time against the
 * ideal (trials × 0.5 s / slots; aim < 1.10×), the time from `experiment
 * create` to the first trial's first metric, the start and the end of the
 * run (until every slot's first trial reports; slots idle after their last
 * trial), where each trial's extra time goes, and the CPU spent per trial by
 * the master and by the trial processes.
 *
 * A trial must print a line as it starts (its first log line marks the end of
 * its start-up) and report a training metric after every batch.
 */
import { readFileSync } from "node:fs";
import type { Launcher } from "../../src/master/launcher/launcher.js";
import { fmt, percentile } from "./bench-master.js";
import { startRealMaster } from "./real-master.js";

export const BATCHES = 5;
export const SLEEP_MS = 100;

export interface TrialOverheadRun {
  trials: number;
  slots: number;
  /** Runs one trial after another in each process; its hyperparameter `sleep_ms` is the sleep per batch. */
  entrypoint: string;
  workdir: string;
  /** Environment of the trials. */
  variables?: Record<string, string>;
  /** Printed under the first line: how the trials were started, when it matters. */
  notes?: string[];
  /** Sleep per batch (default 100 ms: trials of 0.5 s). */
  sleepMs?: number;
  /** Where trials run instead of the local launcher, made for the master's data dir. */
  launcher?: (dataDir: string) => Launcher;
  /** Whether the ratio is printed beside its aim (default true; false for a comparison run). */
  showAim?: boolean;
}

/** Linux's USER_HZ: the unit of /proc's CPU times. */
const CLOCK_TICKS = 100;

/**
 * CPU time of this process's waited-for children (the trial processes), in
 * ms: fields cutime and cstime of /proc/self/stat. Null where there is no /proc.
 */
function childrenCpuMs(): number | null {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
const p90 = (xs: number[]) =>
  percentile(
    [...xs].sort((a, b) => a - b),
    90,
  );

export async function measureTrialOverhead(
  options: TrialOverheadRun,
): Promise<Record<string, number>> {
  const { trials: TRIALS, slots: SLOTS } = options;
  const sleepMs = options.sleepMs ?? SLEEP_MS;
  const TRIAL_SECONDS = (BATCHES * sleepMs) / 1000;
  const master = await startRealMaster(SLOTS, options.launcher);
  const { store } = master;

  const config = {
    name: "trial-overhead",
    entrypoint: options.entrypoint,
    hyperparameters: {
      lr: { type: "log", minval: -3, maxval: -1, base: 10 },
      hidden: { type: "int", minval: 16, maxval: 256 },
      optimizer: "adam",
      sleep_ms: sleepMs,
    },
    searcher: {
      name: "random",
      metric: "validation_loss",
      max_length: { batches: BATCHES },
      max_trials: TRIALS,
      max_concurrent_trials: SLOTS,
    },
    scheduling_unit: 1,
    reproducibility: { experiment_seed: 1 },
    environment: { variables: options.variables ?? {} },
  };
  const cpuBefore = process.cpuUsage();
  const childrenBefore = childrenCpuMs();
  const { id, created } = await master.create(config, options.workdir);
  const state = await master.waitForEnd(id);
  const masterCpuUsage = process.cpuUsage(cpuBefore);
  // The last trial processes exit just after their last answer; their CPU counts once reaped.
  await new Promise((r) => setTimeout(r, 500));
  const childrenAfter = childrenCpuMs();
  const masterCpu = (masterCpuUsage.user + masterCpuUsage.system) / 1000;
  const exp = (await store.getExperiment(id))!;
  const trials = await store.listTrials({ experimentId: id });
  const wall = (exp.endedAt!.getTime() - created) / 1000;
  const ideal = (TRIALS * TRIAL_SECONDS) / SLOTS;

  // Per trial: launch → first line of the process (spawn, the runtime, SDK import,
  // init) → last training metric (the 0.5 s of work) → exit handled.
  const startup: number[] = [];
  const training: number[] = [];
  const exit: number[] = [];
  /** Per trial: when it was launched, its first metric and its end (ms since epoch). */
  const spans: { launched: number; firstMetric: number; ended: number }[] = [];
  for (const t of trials) {
    const [alloc] = await store.listAllocations(t.id);
    const lines = await store.listLogs({ trialId: t.id, limit: 100 });
    const firstLine = lines[0];
    const metrics = await store.listMetrics({ trialId: t.id, group: "training", limit: 100 });
    if (!alloc?.endedAt || !firstLine || metrics.length === 0) continue;
    const launched = alloc.createdAt.getTime();
    const started = firstLine.time.getTime();
    const lastMetric = metrics.at(-1)!.reportTime.getTime();
    const ended = alloc.endedAt.getTime();
    spans.push({ launched, firstMetric: metrics[0]!.reportTime.getTime(), ended });
    startup.push(started - launched);
    training.push(lastMetric - started);
    exit.push(ended - lastMetric);
  }
  // The start and the end of the run, which cost the same whatever the number of trials: the
  // first SLOTS trials (one per slot: every process runs one trial at a time) start their
  // processes, and the last SLOTS leave slots idle until the experiment ends.
  const first = [...spans].sort((a, b) => a.launched - b.launched).slice(0, SLOTS);
  const last = [...spans].sort((a, b) => b.ended - a.ended).slice(0, SLOTS);
  const startWaveMs = Math.max(...first.map((s) => s.firstMetric)) - created;
  const endIdle = last.map((s) => exp.endedAt!.getTime() - s.ended);
  const busy = spans.reduce((sum, s) => sum + s.ended - s.launched, 0) / 1000;
  const idle = wall * SLOTS - busy;
  const ratio = wall / ideal;
  const toFirstMetric = (Math.min(...spans.map((s) => s.firstMetric)) - created) / 1000;

  console.log(
    `${trials.length} trials (${state}) of ${TRIAL_SECONDS} s on ${SLOTS} slots: wall ${fmt(wall, 2)} s, ideal ${fmt(ideal, 2)} s → ${fmt(ratio, 3)}×${options.showAim === false ? "" : " (aim < 1.10×)"}`,
  );
  for (const note of options.notes ?? []) console.log(`  (${note})`);
  if (master.database !== "SQLite") console.log(`  (the master's database: ${master.database})`);
  console.log(
    `  experiment create → first trial's first metric: ${fmt(toFirstMetric * 1000, 0)} ms (its first batch sleeps ${sleepMs} ms)`,
  );
  console.log(
    `  start: every slot's first trial reported its first metric by ${fmt(startWaveMs, 0)} ms ` +
      `(launched ${fmt((first[0]?.launched ?? Number.NaN) - created, 0)}–${fmt((first.at(-1)?.launched ?? Number.NaN) - created, 0)} ms after create); ` +
      `end: slots fell idle ${fmt(Math.min(...endIdle), 0)}–${fmt(Math.max(...endIdle), 0)} ms before the experiment ended ` +
      `(${fmt(mean(endIdle), 0)} ms a slot)`,
  );
  console.log(
    `  per trial, mean (p90) ms: launch → process up ${fmt(mean(startup), 0)} (${fmt(p90(startup), 0)}), ` +
      `work ${fmt(mean(training), 0)}, last metric → exit handled ${fmt(mean(exit), 0)} (${fmt(p90(exit), 0)})`,
  );
  const trialCpu =
    childrenAfter === null || childrenBefore === null ? null : childrenAfter - childrenBefore;
  console.log(
    `  CPU per trial: the master ${fmt(masterCpu / trials.length, 1)} ms` +
      (trialCpu === null ? "" : `, the trial processes ${fmt(trialCpu / trials.length, 1)} ms`),
  );
  console.log(
    `  slot time: ${fmt(busy, 1)} s held by trials, ${fmt(idle, 1)} s idle between them (${fmt((idle / Math.max(trials.length, 1)) * 1000, 0)} ms per trial)`,
  );

  await master.close();
  return {
    trials: trials.length,
    wallSeconds: wall,
    idealSeconds: ideal,
    ratio,
    toFirstMetricMs: toFirstMetric * 1000,
    startWaveMs,
    endIdleMsPerSlot: mean(endIdle),
    startupMs: mean(startup),
    exitMs: mean(exit),
    idleMsPerTrial: (idle / Math.max(trials.length, 1)) * 1000,
    masterCpuMsPerTrial: masterCpu / Math.max(trials.length, 1),
    ...(trialCpu === null ? {} : { trialCpuMsPerTrial: trialCpu / Math.max(trials.length, 1) }),
  };
}
