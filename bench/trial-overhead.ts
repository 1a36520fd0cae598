/**
 * Bookkeeping overhead of real trials: 200 trials of examples/synthetic, each
 * shaped to sleep 0.5 s (5 batches of 100 ms, one op), on 10 slots, through a
 * real master (`startMaster`: SQLite, the local launcher, `node train.js`
 * processes importing the built SDK, each running trial after trial with
 * `trials()`). Prints the wall time against the ideal (trials × 0.5 s / slots;
 * aim < 1.10×), the time from `experiment create` to the first trial's first
 * metric, where each trial's extra time goes, and the CPU spent per trial by
 * the master and by the trial processes.
 *
 *   npm run build && node --import tsx bench/trial-overhead.ts
 *   TRIALS=50 SLOTS=10 node --import tsx bench/trial-overhead.ts
 */
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { MasterClient, type Method } from "../src/cli/client.js";
import { startMaster } from "../src/cli/commands/master.js";
import { openStore } from "../src/master/storage/open-store.js";
import { fmt, percentile } from "./support/bench-master.js";

const ROOT = resolve(import.meta.dirname, "..");
const TRIALS = Number(process.env.TRIALS ?? 200);
const SLOTS = Number(process.env.SLOTS ?? 10);
const BATCHES = 5;
const SLEEP_MS = 100;
const TRIAL_SECONDS = (BATCHES * SLEEP_MS) / 1000;
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
/** Linux's USER_HZ: the unit of /proc's CPU times. */
const CLOCK_TICKS = 100;
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

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);

export async function run(): Promise<Record<string, number>> {
  if (!existsSync(join(ROOT, "dist/sdk-bundle/index.js"))) {
    throw new Error("trials import the built SDK: run `npm run build` first");
  }
  const dataDir = await mkdtemp(join(tmpdir(), "pushtune-bench-trials-"));
  // The local launcher gives trials the master's environment, as it is at each launch.
  const caCerts = process.env.NODE_EXTRA_CA_CERTS;
  if (DROP_CA_CERTS) delete process.env.NODE_EXTRA_CA_CERTS;
  const master = await startMaster({ dataDir, port: 0, slots: SLOTS, quiet: true });
  const token = (await readFile(join(dataDir, "admin.token"), "utf8")).trim();
  const store = await openStore(join(dataDir, "pushtune.db"));
  const client = new MasterClient(master.url, token);
  const api = <T>(method: Method, path: string, body?: unknown) =>
    client.request<T>(method, path, body);

  const config = {
    name: "trial-overhead",
    entrypoint: "node train.js",
    hyperparameters: {
      lr: { type: "log", minval: -3, maxval: -1, base: 10 },
      hidden: { type: "int", minval: 16, maxval: 256 },
      optimizer: "adam",
      sleep_ms: SLEEP_MS,
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
  };
  const cpuBefore = process.cpuUsage();
  const childrenBefore = childrenCpuMs();
  const created = Date.now();
  const { id } = await api<{ id: number }>("POST", "/experiments", {
    config,
    workdir: WORKDIR,
  });
  let state = "ACTIVE";
  // Polled once a second: the wall time is the experiment's own end time, and the
  // master measured should not spend its CPU on the bench's questions.
  while (!["COMPLETED", "ERROR", "CANCELED"].includes(state)) {
    await new Promise((r) => setTimeout(r, 1000));
    state = (await api<{ state: string }>("GET", `/experiments/${id}`)).state;
  }
  const masterCpuUsage = process.cpuUsage(cpuBefore);
  // The last trial processes exit just after their last answer; their CPU counts once reaped.
  await new Promise((r) => setTimeout(r, 500));
  const childrenAfter = childrenCpuMs();
  const masterCpu = (masterCpuUsage.user + masterCpuUsage.system) / 1000;
  const exp = (await store.getExperiment(id))!;
  const trials = await store.listTrials({ experimentId: id });
  const wall = (exp.endedAt!.getTime() - created) / 1000;
  const ideal = (TRIALS * TRIAL_SECONDS) / SLOTS;

  // Per trial: launch → first line of the process (spawn, node, SDK import,
  // init) → last training metric (the 0.5 s of work) → exit handled.
  const startup: number[] = [];
  const training: number[] = [];
  const exit: number[] = [];
  const lifetime: number[] = [];
  let firstMetric = Number.POSITIVE_INFINITY;
  for (const t of trials) {
    const [alloc] = await store.listAllocations(t.id);
    const lines = await store.listLogs({ trialId: t.id, limit: 100 });
    const firstLine = lines[0];
    const metrics = await store.listMetrics({ trialId: t.id, group: "training", limit: 100 });
    if (!alloc?.endedAt || !firstLine || metrics.length === 0) continue;
    const launched = alloc.createdAt.getTime();
    const started = firstLine.time.getTime();
    const lastMetric = metrics.at(-1)!.reportTime.getTime();
    firstMetric = Math.min(firstMetric, metrics[0]!.reportTime.getTime());
    startup.push(started - launched);
    training.push(lastMetric - started);
    exit.push(alloc.endedAt.getTime() - lastMetric);
    lifetime.push(alloc.endedAt.getTime() - launched);
  }
  const busy = lifetime.reduce((a, b) => a + b, 0) / 1000;
  const idle = wall * SLOTS - busy;
  const ratio = wall / ideal;
  const toFirstMetric = (firstMetric - created) / 1000;

  console.log(
    `${trials.length} trials (${state}) of ${TRIAL_SECONDS} s on ${SLOTS} slots: wall ${fmt(wall, 2)} s, ideal ${fmt(ideal, 2)} s → ${fmt(ratio, 3)}× (aim < 1.10×)`,
  );
  if (DROP_CA_CERTS) {
    console.log(
      "  (trial processes started without this machine's NODE_EXTRA_CA_CERTS: KEEP_NODE_EXTRA_CA_CERTS=1 keeps it)",
    );
  }
  console.log(
    `  experiment create → first trial's first metric: ${fmt(toFirstMetric * 1000, 0)} ms (its first batch sleeps ${SLEEP_MS} ms)`,
  );
  console.log(
    `  per trial, mean (p90) ms: launch → process up ${fmt(mean(startup), 0)} (${fmt(
      percentile(
        [...startup].sort((a, b) => a - b),
        90,
      ),
      0,
    )}), ` +
      `work ${fmt(mean(training), 0)}, last metric → exit handled ${fmt(mean(exit), 0)} (${fmt(
        percentile(
          [...exit].sort((a, b) => a - b),
          90,
        ),
        0,
      )})`,
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

  await store.close();
  await master.close();
  if (caCerts !== undefined) process.env.NODE_EXTRA_CA_CERTS = caCerts;
  await rm(dataDir, { recursive: true, force: true });
  return {
    trials: trials.length,
    wallSeconds: wall,
    idealSeconds: ideal,
    ratio,
    toFirstMetricMs: toFirstMetric * 1000,
    startupMs: mean(startup),
    exitMs: mean(exit),
    idleMsPerTrial: (idle / Math.max(trials.length, 1)) * 1000,
    masterCpuMsPerTrial: masterCpu / Math.max(trials.length, 1),
    ...(trialCpu === null ? {} : { trialCpuMsPerTrial: trialCpu / Math.max(trials.length, 1) }),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run();
