/**
 * Who gets slots (DESIGN §6, §8), decided from scratch on every pass as a pure
 * function of who holds slots and who waits for them.
 *
 * Slots are handed out one trial at a time:
 * 1. Experiments are served by priority, highest first. Among experiments of
 *    the same priority the next slot goes to the one that would be least ahead
 *    of its weighted share after taking it, that is the smallest
 *    (slots given + the trial's slots) / weight (weighted fair queueing), then
 *    the oldest. An experiment nobody needs slots for takes no part, so its
 *    share flows to the others.
 * 2. Within an experiment, trials already holding slots come first (by trial
 *    id), then waiting trials in FIFO order (queuedSeq). A waiting trial that
 *    does not fit in the slots left, or would take the experiment past
 *    maxConcurrentTrials or its maxSlots, ends the experiment's turn: later
 *    trials wait behind it. A holder that does not fit (in the slots left or
 *    under maxSlots) ends its experiment's turn as well.
 * 3. Last come the holders that are not working: first those passed over in
 *    step 2, then trials waiting for a promotion (idle, holding a slot until
 *    their next operation comes; within an experiment those likelier to be
 *    promoted first, by `promotionRank`), then trials already told to preempt. Each
 *    keeps its slots if they are still free, if its experiment stays within
 *    maxSlots and, when its experiment starts a trial in this pass, within
 *    maxConcurrentTrials.
 * 4. Holders that were not served are preempted.
 *
 * Hence: a promotion-waiter gives up its slot as soon as any trial that can
 * start needs it, before anyone is preempted for priority or fairness; a
 * higher priority displaces a lower one only for trials that then fit; a trial
 * is preempted only when keeping it would not fit alongside the rest of the
 * decision; and after applying a decision, deciding again changes nothing.
 *
 * The decision is a target: a started trial owns its slots from now on, but
 * where it displaced others those slots are free only once they have exited.
 * Holders of experiments not listed keep their slots and are never preempted.
 *
 * One pass decides for one resource pool: its slots, the experiments that run
 * in it and their trials.
 */
import type { ExperimentConfig } from "../../protocol/config/types.js";

export interface SchedulingExperiment {
  id: number;
  /** Higher is served first and may preempt lower. */
  priority: number;
  /** Share of the slots among experiments of the same priority; > 0. */
  weight: number;
  /** Most trials running at once; 0 = unlimited. */
  maxConcurrentTrials: number;
  /** Most slots its trials hold at once (`resources.max_slots`); absent or 0 = unlimited. */
  maxSlots?: number;
  /** Any number that grows with creation time: the older experiment wins ties. */
  createdOrder: number;
}

/** A trial with work to do and no slots. */
export interface WaitingTrial {
  trialId: number;
  experimentId: number;
  /** slots_per_trial of its experiment. */
  slots: number;
  /** FIFO position within its experiment. */
  queuedSeq: number;
}

/** A trial that owns slots: running, starting, or idle. */
export interface HoldingTrial {
  trialId: number;
  experimentId: number;
  slots: number;
  /** Its operation is complete and it waits for the next one, holding its slot. */
  waitingForPromotion: boolean;
  /** Already told to preempt: its slots are in use until it exits, and it is the first to give them up. */
  preemptRequested?: boolean;
  /**
   * Waiting for a promotion: how many results of its rung that are not yet
   * promoted rank better (0 = promoted next), as the searcher sees it. Among
   * promotion-waiters of one experiment the worst placed gives its slots up
   * first; one without a rank comes after those with one.
   */
  promotionRank?: number;
}

export interface SchedulingInput {
  totalSlots: number;
  experiments: readonly SchedulingExperiment[];
  waiting: readonly WaitingTrial[];
  holding: readonly HoldingTrial[];
}

export interface SchedulingDecision {
  /** Trials to give slots to, in the order they were served. */
  start: number[];
  /** Holders to preempt, in the order they were passed over. */
  preempt: number[];
}

/** The scheduling facts of an experiment's config. Ids grow with creation, so the id is the age. */
export function schedulingExperimentOf(experiment: {
  id: number;
  config: ExperimentConfig;
}): SchedulingExperiment {
  const { resources, searcher } = experiment.config;
  return {
    id: experiment.id,
    priority: resources.priority,
    weight: resources.weight,
    maxConcurrentTrials: "max_concurrent_trials" in searcher ? searcher.max_concurrent_trials : 0,
    ...(resources.max_slots ? { maxSlots: resources.max_slots } : {}),
    createdOrder: experiment.id,
  };
}

/** One experiment's place in the pass. */
interface Lane {
  exp: SchedulingExperiment;
  /** Position in the service order: priority, then age, then id. */
  rank: number;
  /** Working holders by trial id, then waiting trials in FIFO order. */
  queue: (HoldingTrial | WaitingTrial)[];
  next: number;
  /** Slots given in step 2: the fair-share measure. */
  given: number;
  /** Trials that hold or get slots so far. */
  running: number;
  /** Slots those trials hold or get. */
  used: number;
  started: number;
}

export function decideSchedule(input: SchedulingInput): SchedulingDecision {
  const lanes = makeLanes(input.experiments);
  const heldIds = new Set(input.holding.map((t) => t.trialId));
  let free = input.totalSlots;

  const idle: HoldingTrial[] = [];
  const working: HoldingTrial[] = [];
  for (const t of input.holding) {
    if (!lanes.has(t.experimentId)) free -= t.slots;
    else if (t.waitingForPromotion || t.preemptRequested) idle.push(t);
    else working.push(t);
  }
  for (const t of [...working].sort(byTrialId)) lanes.get(t.experimentId)!.queue.push(t);
  const seenWaiting = new Set<number>();
  for (const t of [...input.waiting].sort(byQueueOrder)) {
    const lane = lanes.get(t.experimentId);
    if (!lane || heldIds.has(t.trialId) || seenWaiting.has(t.trialId)) continue;
    seenWaiting.add(t.trialId);
    lane.queue.push(t);
  }

  // Step 1 and 2: serve working holders and waiting trials.
  const start: number[] = [];
  const passedOver: HoldingTrial[] = [];
  for (const level of byPriorityLevel([...lanes.values()])) {
    let contenders = level.filter((lane) => lane.queue.length > 0);
    while (contenders.length > 0) {
      const lane = contenders.reduce((best, l) => (servedBefore(l, best) ? l : best));
      const t = lane.queue[lane.next]!;
      const holds = "waitingForPromotion" in t;
      const capped = (!holds && atConcurrencyLimit(lane)) || overSlotCap(lane, t.slots);
      if (!capped && t.slots <= free) {
        free -= t.slots;
        lane.given += t.slots;
        lane.used += t.slots;
        lane.running += 1;
        lane.next += 1;
        if (!holds) {
          lane.started += 1;
          start.push(t.trialId);
        }
      } else {
        for (const rest of lane.queue.slice(lane.next)) {
          if ("waitingForPromotion" in rest) passedOver.push(rest);
        }
        lane.next = lane.queue.length;
      }
      if (lane.next >= lane.queue.length) contenders = contenders.filter((l) => l !== lane);
    }
  }

  // Step 3 and 4: holders that are not working keep what is left, or are preempted.
  const preempt: number[] = [];
  const rankOf = (t: HoldingTrial) => lanes.get(t.experimentId)!.rank;
  const inServiceOrder = (a: HoldingTrial, b: HoldingTrial) =>
    rankOf(a) - rankOf(b) || byTrialId(a, b);
  const promotionOrder = (a: HoldingTrial, b: HoldingTrial) =>
    rankOf(a) - rankOf(b) ||
    (a.promotionRank ?? Number.POSITIVE_INFINITY) - (b.promotionRank ?? Number.POSITIVE_INFINITY) ||
    byTrialId(a, b);
  const promotionWaiters = idle.filter((t) => !t.preemptRequested).sort(promotionOrder);
  const leaving = idle.filter((t) => t.preemptRequested).sort(inServiceOrder);
  for (const t of [...passedOver.sort(inServiceOrder), ...promotionWaiters, ...leaving]) {
    const lane = lanes.get(t.experimentId)!;
    const withinLimit =
      (lane.started === 0 || !atConcurrencyLimit(lane)) && !overSlotCap(lane, t.slots);
    if (withinLimit && t.slots <= free) {
      free -= t.slots;
      lane.used += t.slots;
      lane.running += 1;
    } else {
      preempt.push(t.trialId);
    }
  }
  return { start, preempt };
}

function makeLanes(experiments: readonly SchedulingExperiment[]): Map<number, Lane> {
  const ordered = [...experiments].sort(
    (a, b) => b.priority - a.priority || a.createdOrder - b.createdOrder || a.id - b.id,
  );
  const lanes = new Map<number, Lane>();
  for (const exp of ordered) {
    if (lanes.has(exp.id)) continue;
    lanes.set(exp.id, {
      exp,
      rank: lanes.size,
      queue: [],
      next: 0,
      given: 0,
      running: 0,
      used: 0,
      started: 0,
    });
  }
  return lanes;
}

/** Lanes grouped by priority, highest first; lanes come in rank order. */
function byPriorityLevel(lanes: Lane[]): Lane[][] {
  const levels: Lane[][] = [];
  for (const lane of lanes) {
    const last = levels.at(-1);
    if (last && last[0]!.exp.priority === lane.exp.priority) last.push(lane);
    else levels.push([lane]);
  }
  return levels;
}

/**
 * Whether lane `a` takes the next slot before lane `b` (same priority): the
 * smaller weighted finish, (given + next trial's slots) / weight, compared by
 * cross-multiplying so equal shares tie exactly; then the older experiment.
 */
function servedBefore(a: Lane, b: Lane): boolean {
  const wa = usableWeight(a.exp.weight);
  const wb = usableWeight(b.exp.weight);
  if (wa === 0 || wb === 0) {
    // A lane without a usable weight only gets what the others leave.
    if (wa !== wb) return wa > 0;
    return a.rank < b.rank;
  }
  const fa = (a.given + a.queue[a.next]!.slots) * wb;
  const fb = (b.given + b.queue[b.next]!.slots) * wa;
  return fa !== fb ? fa < fb : a.rank < b.rank;
}

/** A finite positive weight, else 0. */
function usableWeight(weight: number): number {
  return Number.isFinite(weight) && weight > 0 ? weight : 0;
}

function atConcurrencyLimit(lane: Lane): boolean {
  const limit = lane.exp.maxConcurrentTrials;
  return limit > 0 && lane.running >= limit;
}

/** Whether `slots` more would take the lane past its experiment's maxSlots. */
function overSlotCap(lane: Lane, slots: number): boolean {
  const cap = lane.exp.maxSlots ?? 0;
  return cap > 0 && lane.used + slots > cap;
}

function byTrialId(a: { trialId: number }, b: { trialId: number }): number {
  return a.trialId - b.trialId;
}

function byQueueOrder(a: WaitingTrial, b: WaitingTrial): number {
  return a.queuedSeq - b.queuedSeq || a.trialId - b.trialId;
}
