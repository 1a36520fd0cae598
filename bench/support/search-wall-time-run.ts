/**
 * The harness of the search wall-time benchmarks: one workload (a trial
 * program and its hyperparameters) searched by random search and by the
 * ASHA methods with the same seed, one after another, each through a real
 * master on SLOTS slots. For each method it prints the compute (length
 * trained, summed over trials), its share of random search's, the compute
 * spent until the best validation so far reached random search's final best,
 * the wall time, the process starts (distinct launcher handles), the
 * allocations and the preemptions (and the slot time per allocation beyond
 * what its compute takes at random search's pace, beside what the aim leaves
 * for it; of it, what allocations held beyond random's pace and the slot time
 * no allocation held: the start and the tail), and the ratio against the aim:
 * wall ≤ random's wall × the share of its compute × 1.5. The aim scales the
 * start (process start, imports, data load before the first report), which
 * every method pays once, by the share too; the same ratio on the time after
 * the first report is printed beside it, and the ratio the method would
 * score if its handovers cost nothing: its compute at random search's pace
 * inside allocations, plus the start and the tail (the slots idle after the
 * last allocations ended) as measured. The aim counts compute in batches; a
 * method whose batches cost more (its searcher favours wider models, say) is
 * also scored with its compute counted at its batches' mean time against
 * random search's (the time between a trial's consecutive training reports).
 *
 * The trial must report a training metric at every `scheduling_unit` (so the
 * compute at each moment can be read back) and validate at the end of each op.
 */
import { fmt } from "./bench-master.js";
import { startRealMaster } from "./real-master.js";

export const METHODS = ["random", "async_halving", "stop_once", "adaptive_asha"] as const;
export type Method = (typeof METHODS)[number];

export interface Workload {
  name: string;
  entrypoint: string;
  workdir: string;
  hyperparameters: Record<string, unknown>;
  /** In batches. */
  maxLength: number;
  /** ASHA's trials; random search gets a quarter of them (27 against 108 with 5 rungs of divisor 3). */
  trials: number;
  variables?: Record<string, string>;
}

export interface MethodFigures {
  method: Method;
  state: string;
  trials: number;
  compute: number;
  /** null: the best validation never reached random search's final best. */
  computeToRandomBest: number | null;
  secondsToRandomBest: number | null;
  best: number;
  wallSeconds: number;
  /** From the experiment's creation to its first training report: process start, imports, data load. */
  startSeconds: number;
  processStarts: number;
  allocations: number;
  preemptions: number;
  /** Slot time held by allocations (from each one's start to its end), all together. */
  heldSeconds: number;
  /** The tail: slot time idle after the last allocations ended, until the experiment's end. */
  tailSeconds: number;
  /** CPU time of the master (this process) while the experiment ran. */
  masterCpuSeconds: number;
  /**
   * Mean time of a batch, from one training report to the next of the same
   * trial where nothing else was reported between them (by the trial's clock).
   */
  batchMs: number;
}

const METRIC = "validation_loss";

function searcher(method: Method, w: Workload, slots: number): Record<string, unknown> {
  const common = { metric: METRIC, smaller_is_better: true, max_length: { batches: w.maxLength } };
  switch (method) {
    case "random":
      return {
        ...common,
        name: "random",
        max_trials: Math.max(1, Math.round(w.trials / 4)),
        max_concurrent_trials: slots,
      };
    case "async_halving":
    case "stop_once":
      return {
        ...common,
        name: "async_halving",
        num_rungs: 5,
        divisor: 3,
        max_trials: w.trials,
        stop_once: method === "stop_once",
      };
    case "adaptive_asha":
      return {
        ...common,
        name: "adaptive_asha",
        max_rungs: 5,
        divisor: 3,
        max_trials: w.trials,
        mode: "standard",
      };
  }
}

interface TrialEvent {
  time: number;
  trialId: number;
  /** A training report: the trial's length trained. */
  steps?: number;
  /** A validation: the searcher metric. */
  value?: number;
}

/** Slot time idle from the ends of the last allocations (one per slot) to `end`. */
function tailMs(ends: { at: number; slots: number }[], end: number, slots: number): number {
  let idle = 0;
  let counted = 0;
  for (const e of [...ends].sort((a, b) => b.at - a.at)) {
    if (counted >= slots) break;
    const n = Math.min(e.slots, slots - counted);
    idle += n * (end - e.at);
    counted += n;
  }
  return idle;
}

/**
 * Mean time between a trial's consecutive training reports one batch apart,
 * with no validation reported between them: a batch's time, whatever the
 * handovers and validations around it.
 */
function meanBatchMs(events: readonly TrialEvent[]): number {
  const last = new Map<number, TrialEvent>();
  let sum = 0;
  let count = 0;
  for (const e of events) {
    const before = last.get(e.trialId);
    if (e.steps !== undefined && before?.steps === e.steps - 1) {
      sum += e.time - before.time;
      count++;
    }
    last.set(e.trialId, e);
  }
  return count === 0 ? Number.NaN : sum / count;
}

/** The compute spent (and the time) when the best validation so far first reached `target`. */
function untilBest(
  events: readonly TrialEvent[],
  target: number,
): { compute: number; time: number } | null {
  const trained = new Map<number, number>();
  let compute = 0;
  for (const e of events) {
    if (e.steps !== undefined) {
      const before = trained.get(e.trialId) ?? 0;
      compute += Math.max(0, e.steps - before);
      trained.set(e.trialId, Math.max(e.steps, before));
    } else if (e.value !== undefined && e.value <= target) {
      return { compute, time: e.time };
    }
  }
  return null;
}

async function runMethod(
  method: Method,
  w: Workload,
  slots: number,
  seed: number,
  /** null for random search itself, measured against its own best. */
  randomBest: number | null,
): Promise<MethodFigures> {
  const master = await startRealMaster(slots);
  const { store } = master;
  try {
    const config = {
      name: `wall-${w.name}-${method}`,
      entrypoint: w.entrypoint,
      hyperparameters: w.hyperparameters,
      searcher: searcher(method, w, slots),
      scheduling_unit: 1,
      checkpoint_storage: {
        type: "shared_fs",
        save_experiment_best: 0,
        save_trial_best: 1,
        save_trial_latest: 1,
      },
      reproducibility: { experiment_seed: seed },
      environment: { variables: w.variables ?? {} },
    };
    const cpuBefore = process.cpuUsage();
    const { id, created } = await master.create(config, w.workdir);
    const state = await master.waitForEnd(id);
    const cpu = process.cpuUsage(cpuBefore);
    const exp = (await store.getExperiment(id))!;
    const trials = await store.listTrials({ experimentId: id });

    // Every trial's progress and validations in time order: the compute at each validation.
    const events: TrialEvent[] = [];
    const handles = new Set<string>();
    let allocations = 0;
    let preemptions = 0;
    let heldMs = 0;
    const ends: { at: number; slots: number }[] = [];
    for (const t of trials) {
      for (const a of await store.listAllocations(t.id)) {
        allocations++;
        const end = (a.endedAt ?? exp.endedAt!).getTime();
        heldMs += a.slots * (end - a.createdAt.getTime());
        ends.push({ at: end, slots: a.slots });
        if (a.preemptRequested) preemptions++;
        if (a.launcherHandle !== null) handles.add(JSON.stringify(a.launcherHandle));
      }
      for (const m of await store.listMetrics({ trialId: t.id, limit: 100_000 })) {
        const time = m.reportTime.getTime();
        if (m.group === "training") events.push({ time, trialId: t.id, steps: m.stepsCompleted });
        else if (METRIC in m.metrics)
          events.push({ time, trialId: t.id, value: m.metrics[METRIC] });
      }
    }
    events.sort((a, b) => a.time - b.time);
    const values = events.flatMap((e) => (e.value === undefined ? [] : [e.value]));
    const best = Math.min(...values);
    const reached = untilBest(events, randomBest ?? best);
    return {
      method,
      state,
      trials: trials.length,
      compute: trials.reduce((n, t) => n + t.lengthTrained, 0),
      computeToRandomBest: reached?.compute ?? null,
      secondsToRandomBest: reached ? (reached.time - created) / 1000 : null,
      best,
      wallSeconds: (exp.endedAt!.getTime() - created) / 1000,
      startSeconds: ((events[0]?.time ?? created) - created) / 1000,
      processStarts: handles.size,
      allocations,
      preemptions,
      heldSeconds: heldMs / 1000,
      tailSeconds: tailMs(ends, exp.endedAt!.getTime(), slots) / 1000,
      masterCpuSeconds: (cpu.user + cpu.system) / 1e6,
      batchMs: meanBatchMs(events),
    };
  } finally {
    await master.close();
  }
}

export interface SearchWallTimeRun {
  workload: Workload;
  slots: number;
  seed: number;
  /** Random search always runs first: every other method is measured against it. */
  methods: readonly Method[];
  /** Rounds of every method (see `measureSearchWallTime`). */
  rounds?: number;
}

/** The run with the median of `key` (the lower median of an even count), and its index. */
function medianBy(runs: readonly MethodFigures[], key: (i: number) => number): number {
  const order = runs.map((_, i) => i).sort((a, b) => key(a) - key(b));
  return order[Math.floor((order.length - 1) / 2)]!;
}

/** `wall / (random's wall × share of its compute × 1.5)`: the aim's ratio, against one run of random search. */
function aimRatio(f: MethodFigures, random: MethodFigures): number {
  return f.wallSeconds / (random.wallSeconds * (f.compute / random.compute) * 1.5);
}

/** " (a–b)" over the rounds' values, when there was more than one. */
function range(values: readonly number[], digits: number): string {
  if (values.length < 2) return "";
  return ` (${fmt(Math.min(...values), digits)}–${fmt(Math.max(...values), digits)})`;
}

/**
 * Rounds of every method, one method after another in each: a change in the
 * machine's load falls on all of them, so each method is measured against
 * the random search of its own round. A method's figures are those of its
 * round with the median ratio against the aim; the range of its rounds'
 * ratios is printed beside it.
 */
export async function measureSearchWallTime(options: SearchWallTimeRun): Promise<MethodFigures[]> {
  const { workload: w, slots, seed } = options;
  const rounds = Math.max(1, options.rounds ?? 1);
  console.log(
    `${w.name}: max_length ${w.maxLength} batches, ${w.trials} ASHA trials (5 rungs, divisor 3), seed ${seed}, ${slots} slots` +
      (rounds > 1
        ? `, median of ${rounds} rounds, each method against its round's random search`
        : ""),
  );
  const methods: Method[] = ["random", ...options.methods.filter((m) => m !== "random")];
  const runs = new Map<Method, MethodFigures[]>(methods.map((m) => [m, []]));
  for (let round = 0; round < rounds; round++) {
    const random = await runMethod("random", w, slots, seed, null);
    runs.get("random")!.push(random);
    for (const method of methods.slice(1)) {
      runs.get(method)!.push(await runMethod(method, w, slots, seed, random.best));
    }
  }
  const randoms = runs.get("random")!;
  const all: MethodFigures[] = [];
  for (const method of methods) {
    const own = runs.get(method)!;
    const ratios = own.map((f, i) => aimRatio(f, randoms[i]!));
    const k =
      method === "random"
        ? medianBy(own, (i) => own[i]!.wallSeconds)
        : medianBy(own, (i) => ratios[i]!);
    const f = own[k]!;
    all.push(f);
    console.log(describe(f, randoms[k]!, slots, own, method === "random" ? "" : range(ratios, 2)));
  }
  return all;
}

/** The line of one method's run `f`, against `random`, random search's run of the same round. */
function describe(
  f: MethodFigures,
  random: MethodFigures,
  slots: number,
  rounds: readonly MethodFigures[],
  ratioRange: string,
): string {
  // Random search's slot time per unit of compute: what a batch costs with almost no handovers.
  const perUnit = (random.wallSeconds * slots) / random.compute;
  // The same inside allocations only: the slots' idle time (the start, the tail) left out.
  const heldPerUnit = random.heldSeconds / random.compute;
  const share = f.compute / random.compute;
  // Slot time beyond the compute at random search's pace, per allocation: the cost of a handover.
  const perAllocation = ((f.wallSeconds * slots - f.compute * perUnit) / f.allocations) * 1000;
  const aimWall = random.wallSeconds * share * 1.5;
  const aim = f.wallSeconds / aimWall;
  // What the aim leaves for each handover: its wall's slot time beyond the compute at random's pace.
  const budgetPerAllocation = ((aimWall * slots - f.compute * perUnit) / f.allocations) * 1000;
  // Of that slot time: what allocations held beyond the compute, and what no allocation held.
  const heldBeyond = ((f.heldSeconds - f.compute * heldPerUnit) / f.allocations) * 1000;
  const idle = f.wallSeconds * slots - f.heldSeconds;
  // With handovers that cost nothing: the compute at random's pace inside allocations, the
  // start (every slot waits for it) and the tail as measured.
  const floor =
    (f.compute * heldPerUnit + f.startSeconds * slots + f.tailSeconds) / slots / aimWall;
  // The same aim on the time after the first report: the start (paid once by every method)
  // no longer scales with the share of compute.
  const aimAfterStart =
    (f.wallSeconds - f.startSeconds) / ((random.wallSeconds - random.startSeconds) * share * 1.5);
  // The aim's share counts batches; a method that trains costlier models (wider, say)
  // spends more time on each. The same aim with its compute counted at its batches' cost:
  const batchCost = f.batchMs / random.batchMs;
  const aimAtBatchCost = aim / batchCost;
  const toBest =
    f.computeToRandomBest === null
      ? `never (best ${fmt(f.best, 4)} > ${fmt(random.best, 4)})`
      : `${fmt(f.computeToRandomBest)} (at ${fmt(f.secondsToRandomBest!, 1)} s)`;
  const isRandom = f === random;
  return (
    `  ${f.method.padEnd(13)} ${f.trials} trials (${f.state}): compute ${fmt(f.compute)} (${fmt(share, 3)} of random's), ` +
    `to random's best ${toBest}; wall ${fmt(f.wallSeconds, 1)} s${range(
      rounds.map((r) => r.wallSeconds),
      1,
    )}; ` +
    `${f.processStarts} process starts, ${f.allocations} allocations, ${f.preemptions} preemptions ` +
    (isRandom
      ? "("
      : `(${fmt(perAllocation, 0)} ms of slot time each beyond random's pace, the aim leaves ${fmt(budgetPerAllocation, 0)}; ` +
        `held by allocations beyond random's pace ${fmt(heldBeyond, 0)} ms each, held by none ${fmt(idle, 2)} s, ` +
        `of it the tail ${fmt(f.tailSeconds, 2)} s; `) +
    `${fmt((f.masterCpuSeconds / f.allocations) * 1000, 1)} ms of the master's CPU); ` +
    `wall / (random's × ${fmt(share, 3)} × 1.5) = ${fmt(aim, 2)}${ratioRange} (aim ≤ 1)` +
    (isRandom
      ? `; batches ${fmt(f.batchMs, 2)} ms; `
      : `, ${fmt(floor, 2)} with handovers free of cost; batches ${fmt(f.batchMs, 2)} ms, ` +
        `${fmt(batchCost, 2)}× random's, with compute counted at that cost ${fmt(aimAtBatchCost, 2)}; `) +
    `first report at ${fmt(f.startSeconds, 2)} s, after it ${fmt(aimAfterStart, 2)}`
  );
}
