/**
 * Population-based training, with Determined's decisions. `population_size`
 * trials are sampled at random and each trains one round
 * (`length_per_round`). Once every member of the population has reported the
 * round (or exited), the round is judged: the members are ranked by their
 * metric (best first; ties by request id; an exited member ranks last), the
 * worst `floor(truncate_fraction × population_size)` are closed, and as many
 * new trials are created, one from each of the best as many: each starts from
 * its parent's latest checkpoint (the Create op's `checkpoint`) with
 * hyperparameters explored from its parent's (`pbt-explore.ts`). The
 * survivors and the new trials then train one more round, to the absolute
 * length `(round + 1) × length_per_round`: a new trial inherits its parent's
 * length. After `num_rounds` rounds every member is closed.
 *
 * An exited member stays in the population as the worst result until a round
 * drops it, so the population keeps its size, as in Determined; one that
 * ranks among the best (when more members exited than a round drops) has no
 * copy made, and the population is smaller from then on. Differences
 * from Determined: members that exited early are skipped when closing,
 * copying and continuing (as there); trials are closed in request-id order
 * (Determined walks a Go map); and a Trainer checkpoints at the end of every
 * round before reporting it (see `src/sdk/trainer.ts`), so the checkpoint a
 * new trial starts from is the one its parent's metric was measured at.
 */
import type { HParams, PbtSearcherConfig } from "../protocol/config/types.js";
import { EXITED_METRIC, normaliseMetric } from "./asha-state.js";
import { exploreHParams } from "./pbt-explore.js";
import {
  assertNever,
  type MethodContext,
  type MethodEvent,
  type RequestId,
  type SearcherOp,
  type SearchMethod,
} from "./types.js";

export interface PbtSearchState {
  kind: "pbt";
  /** Rounds the population has completed. */
  round: number;
  /**
   * The hyperparameters of every member of this round's population, by
   * request id: the round ends when each of them has a result.
   */
  members: Record<RequestId, HParams>;
  /** This round's results, smaller is better, by request id (exited members: EXITED_METRIC). */
  results: Record<RequestId, number>;
  /** Members that exited early: never continued, copied or closed. */
  exited: RequestId[];
}

function pbtConfig(ctx: MethodContext): PbtSearcherConfig {
  const s = ctx.config.searcher;
  if (s.name !== "pbt") throw new Error(`pbtSearch cannot run searcher ${s.name}`);
  return s;
}

/** The length of the population's whole search with any metric: every round trains every member. */
export function pbtPlannedLength(s: PbtSearcherConfig): number {
  return s.population_size * s.num_rounds * s.length_per_round.value;
}

function initialize(ctx: MethodContext, state: PbtSearchState, s: PbtSearcherConfig): SearcherOp[] {
  const ops: SearcherOp[] = [];
  for (let i = 0; i < s.population_size; i++) {
    const create = ctx.newTrial();
    state.members[create.requestId] = create.hparams;
    ops.push(create, {
      type: "validateAfter",
      requestId: create.requestId,
      length: s.length_per_round.value,
    });
  }
  return ops;
}

/** Best first; equal results by request id. */
function ranked(results: Record<RequestId, number>): RequestId[] {
  return Object.keys(results)
    .map(Number)
    .sort((a, b) => results[a]! - results[b]! || a - b);
}

/** Judges the round once every member has a result; the ops that follow. */
function endRound(ctx: MethodContext, state: PbtSearchState, s: PbtSearcherConfig): SearcherOp[] {
  const waiting = Object.keys(state.members).some((id) => !Object.hasOwn(state.results, id));
  if (waiting) return [];
  const order = ranked(state.results);
  const ops: SearcherOp[] = [];
  const live = (id: RequestId) => !state.exited.includes(id);
  state.round++;
  state.results = {};
  if (state.round >= s.num_rounds) {
    for (const id of [...order].sort((a, b) => a - b)) {
      if (live(id)) ops.push({ type: "close", requestId: id });
    }
    return ops;
  }
  // A population shrunk by early exits drops no more than it has.
  const cut = Math.min(
    order.length,
    Math.floor(s.replace_function.truncate_fraction * s.population_size),
  );
  const worst = order.slice(order.length - cut);
  const best = order.slice(0, cut);
  const survivors = order.slice(0, order.length - cut);
  const reached = state.round * s.length_per_round.value;
  const next = reached + s.length_per_round.value;
  for (const id of worst) if (live(id)) ops.push({ type: "close", requestId: id });
  const children: Record<RequestId, HParams> = {};
  for (const parent of best) {
    if (!live(parent)) continue;
    const hparams = exploreHParams(
      ctx.config.hyperparameters,
      state.members[parent]!,
      s.explore_function,
      ctx.rng,
    );
    const create = { ...ctx.newTrial(hparams), checkpoint: { requestId: parent, length: reached } };
    children[create.requestId] = hparams;
    ops.push(create, { type: "validateAfter", requestId: create.requestId, length: next });
  }
  for (const id of survivors) {
    if (live(id)) ops.push({ type: "validateAfter", requestId: id, length: next });
    else state.results[id] = EXITED_METRIC;
  }
  for (const id of worst) delete state.members[id];
  state.exited = state.exited.filter((id) => !worst.includes(id));
  Object.assign(state.members, children);
  return ops;
}

function step(ctx: MethodContext, state: PbtSearchState, event: MethodEvent) {
  const s = pbtConfig(ctx);
  switch (event.type) {
    case "initialize":
      return { state, ops: initialize(ctx, state, s) };
    case "validationCompleted":
      state.results[event.requestId] = normaliseMetric(event.metric, s.smaller_is_better);
      break;
    case "trialExitedEarly":
      if (!state.exited.includes(event.requestId)) state.exited.push(event.requestId);
      state.results[event.requestId] = EXITED_METRIC;
      break;
    default:
      assertNever(event);
  }
  return { state, ops: endRound(ctx, state, s) };
}

export const pbtSearch: SearchMethod<PbtSearchState> = {
  create(config) {
    if (config.searcher.name !== "pbt") {
      throw new Error(`pbtSearch cannot run searcher ${config.searcher.name}`);
    }
    return { kind: "pbt", round: 0, members: {}, results: {}, exited: [] };
  },
  step,
};
