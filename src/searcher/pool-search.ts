/**
 * `single`, `random`, `grid` and `tpe`: independent trials, each trained once to
 * max_length and closed. Each trial is created with its whole plan —
 * `create`, `validateAfter(max_length)`, `close` — so it exits as soon as its
 * validation is done. At most max_concurrent_trials are busy at once (0 = no
 * limit; single has one trial). A random-search trial that exits with
 * INVALID_HP is replaced by a fresh sample and doesn't count toward
 * max_trials; any other early exit counts as a finished trial. TPE is random
 * search whose new trials are sampled from a model of the results so far
 * (`tpe-sampler.ts`), kept in the state; its INVALID_HP trials are replaced too.
 */
import { gridAxes, gridPointOf, gridSize } from "./grid.js";
import { newTpeModel, observeTpe, type TpeModelState, tpeSampling } from "./tpe-sampler.js";
import {
  assertNever,
  type MethodContext,
  type MethodEvent,
  type SearcherOp,
  type SearchMethod,
} from "./types.js";

export interface PoolSearchState {
  kind: "pool";
  source: "single" | "random" | "grid" | "tpe";
  /** Trials that must finish: 1, max_trials, or the number of grid points. */
  target: number;
  /** Trials created that count toward `target`. */
  counted: number;
  /** All trials created (the next grid point's index). */
  created: number;
  /** Trials with their op outstanding. */
  pending: number;
  /** 0 = no limit. */
  concurrency: number;
  /** tpe only: the model new trials are sampled from. */
  tpe?: TpeModelState;
}

function fill(state: PoolSearchState, methodCtx: MethodContext, ops: SearcherOp[]): void {
  const ctx = tpeSampling(methodCtx, state.tpe);
  const axes = state.source === "grid" ? gridAxes(ctx.config.hyperparameters) : null;
  const length = ctx.config.searcher.max_length.value;
  while (
    state.counted < state.target &&
    (state.concurrency === 0 || state.pending < state.concurrency)
  ) {
    const create = ctx.newTrial(axes ? gridPointOf(axes, state.created) : undefined);
    state.counted++;
    state.created++;
    state.pending++;
    ops.push(
      create,
      { type: "validateAfter", requestId: create.requestId, length },
      { type: "close", requestId: create.requestId },
    );
  }
}

function step(ctx: MethodContext, state: PoolSearchState, event: MethodEvent) {
  const ops: SearcherOp[] = [];
  observeTpe(state.tpe, event, ctx.config.searcher.smaller_is_better);
  switch (event.type) {
    case "initialize":
      break;
    case "validationCompleted":
      state.pending--;
      break;
    case "trialExitedEarly":
      state.pending--;
      if (event.reason === "INVALID_HP" && (state.source === "random" || state.source === "tpe")) {
        state.counted--;
      }
      break;
    default:
      assertNever(event);
  }
  fill(state, ctx, ops);
  return { state, ops };
}

export const poolSearch: SearchMethod<PoolSearchState> = {
  create(config) {
    const s = config.searcher;
    switch (s.name) {
      case "single":
        return {
          kind: "pool",
          source: "single",
          target: 1,
          counted: 0,
          created: 0,
          pending: 0,
          concurrency: 1,
        };
      case "random":
        return {
          kind: "pool",
          source: "random",
          target: s.max_trials,
          counted: 0,
          created: 0,
          pending: 0,
          concurrency: s.max_concurrent_trials,
        };
      case "grid":
        return {
          kind: "pool",
          source: "grid",
          target: gridSize(config.hyperparameters),
          counted: 0,
          created: 0,
          pending: 0,
          concurrency: s.max_concurrent_trials,
        };
      case "tpe":
        return {
          kind: "pool",
          source: "tpe",
          target: s.max_trials,
          counted: 0,
          created: 0,
          pending: 0,
          concurrency: s.max_concurrent_trials,
          tpe: newTpeModel(),
        };
      default:
        throw new Error(`poolSearch cannot run searcher ${s.name}`);
    }
  },
  step,
};
