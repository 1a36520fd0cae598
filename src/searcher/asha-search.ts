/**
 * `async_halving` and `adaptive_asha` as one search method: a list of ASHA
 * brackets (one for async_halving; one per bracket for adaptive ASHA, most
 * rungs first). Request ids are global, in creation order: the method keeps
 * which bracket created each trial and routes the trial's events there, so no
 * renumbering is needed. Brackets create trials in bracket order; with
 * max_concurrent_trials > 0 the brackets together never have more trials busy
 * than that, even when there are more brackets than slots. With `sampler: tpe`
 * new trials are sampled from a TPE model of the results by rung length
 * (`tpe-sampler.ts`); with the random sampler the state holds no model at all.
 */
import type {
  AdaptiveAshaSearcherConfig,
  AsyncHalvingSearcherConfig,
} from "../protocol/config/types.js";
import {
  adaptiveBracketRungs,
  bracketMaxConcurrentTrials,
  bracketMaxTrials,
} from "./adaptive-brackets.js";
import { constantMetricLength, makeBracket } from "./asha-bracket.js";
import { promotionCloseOut, promotionExit, promotionValidation } from "./asha-promotion.js";
import { type AshaBracketState, fillBracket, newBracketState } from "./asha-state.js";
import { stoppingExit, stoppingValidation } from "./asha-stopping.js";
import { newTpeModel, observeTpe, type TpeModelState, tpeSampling } from "./tpe-sampler.js";
import {
  assertNever,
  type MethodContext,
  type MethodEvent,
  type RequestId,
  SEARCHER_RULES,
  type SearcherOp,
  type SearchMethod,
} from "./types.js";

/** The searcher configs this method runs. */
export type AshaSearchConfig = AsyncHalvingSearcherConfig | AdaptiveAshaSearcherConfig;

export interface AshaSearchState {
  kind: "asha";
  smallerIsBetter: boolean;
  /** Busy trials allowed across all brackets; 0 = only each bracket's own limit. */
  maxConcurrent: number;
  brackets: AshaBracketState[];
  /** bracketOf[requestId - 1]: the bracket that created the trial. */
  bracketOf: number[];
  /** sampler tpe only: the model new trials are sampled from. */
  tpe?: TpeModelState;
  /**
   * A search under searcher rules 1: stopping ASHA ranks a result behind
   * those equal to it, so a tie with the best is stopped. Absent: ahead of them.
   */
  stoppingTies?: "after";
}

export function newAshaSearchState(config: AshaSearchConfig, maxLength: number): AshaSearchState {
  const s = config;
  if (s.name === "async_halving") {
    const params = makeBracket(
      maxLength,
      s.num_rungs,
      s.divisor,
      s.max_trials,
      s.max_concurrent_trials,
      s.stop_once,
    );
    return withModel(s, {
      kind: "asha",
      smallerIsBetter: s.smaller_is_better,
      maxConcurrent: 0,
      brackets: [newBracketState(params)],
      bracketOf: [],
    });
  }
  const rungs = adaptiveBracketRungs(s, maxLength);
  const trials = bracketMaxTrials(s.max_trials, s.divisor, rungs);
  const concurrent = bracketMaxConcurrentTrials(s.max_concurrent_trials, s.divisor, trials);
  const brackets = rungs.map((numRungs, i) =>
    newBracketState(
      makeBracket(maxLength, numRungs, s.divisor, trials[i]!, concurrent[i]!, s.stop_once),
    ),
  );
  return withModel(s, {
    kind: "asha",
    smallerIsBetter: s.smaller_is_better,
    maxConcurrent: s.max_concurrent_trials,
    brackets,
    bracketOf: [],
  });
}

function withModel(config: AshaSearchConfig, state: AshaSearchState): AshaSearchState {
  return config.sampler === "tpe" ? { ...state, tpe: newTpeModel() } : state;
}

/** The bracket (0-based) that created a trial. */
export function ashaBracketOf(state: AshaSearchState, requestId: RequestId): number {
  const b = state.bracketOf[requestId - 1];
  if (b === undefined) throw new Error(`trial ${requestId} was not created by this search`);
  return b;
}

/** Total length trained when every trial reports the same metric. */
export function ashaConstantMetricLength(state: AshaSearchState): number {
  return state.brackets.reduce((sum, b) => sum + constantMetricLength(b.params), 0);
}

function fillAll(state: AshaSearchState, methodCtx: MethodContext, ops: SearcherOp[]): void {
  const ctx = tpeSampling(methodCtx, state.tpe);
  let budget = Number.POSITIVE_INFINITY;
  if (state.maxConcurrent > 0) {
    const busy = state.brackets.reduce((n, b) => n + b.pending, 0);
    budget = state.maxConcurrent - busy;
  }
  state.brackets.forEach((bracket, index) => {
    if (budget <= 0) return;
    const from = ops.length;
    budget -= fillBracket(bracket, ctx, budget, ops);
    for (let i = from; i < ops.length; i++) {
      const op = ops[i]!;
      if (op.type === "create") state.bracketOf[op.requestId - 1] = index;
    }
  });
}

function step(ctx: MethodContext, state: AshaSearchState, event: MethodEvent) {
  const ops: SearcherOp[] = [];
  observeTpe(state.tpe, event, state.smallerIsBetter);
  switch (event.type) {
    case "initialize":
      if ((event.rules ?? SEARCHER_RULES) < 2) state.stoppingTies = "after";
      fillAll(state, ctx, ops);
      break;
    case "validationCompleted": {
      const bracket = state.brackets[ashaBracketOf(state, event.requestId)]!;
      if (bracket.params.stopOnce) {
        stoppingValidation(
          bracket,
          event.requestId,
          event.metric,
          event.length,
          state.smallerIsBetter,
          state.stoppingTies ?? "before",
          ops,
        );
      } else {
        promotionValidation(bracket, event.requestId, event.metric, state.smallerIsBetter, ops);
      }
      fillAll(state, ctx, ops);
      if (!bracket.params.stopOnce) promotionCloseOut(bracket, ops);
      break;
    }
    case "trialExitedEarly": {
      const bracket = state.brackets[ashaBracketOf(state, event.requestId)]!;
      if (bracket.params.stopOnce)
        stoppingExit(bracket, event.requestId, event.reason, state.stoppingTies ?? "before");
      else promotionExit(bracket, event.requestId, event.reason, ops);
      fillAll(state, ctx, ops);
      if (!bracket.params.stopOnce) promotionCloseOut(bracket, ops);
      break;
    }
    default:
      assertNever(event);
  }
  return { state, ops };
}

export const ashaSearch: SearchMethod<AshaSearchState> = {
  create(config) {
    const s = config.searcher;
    if (s.name !== "async_halving" && s.name !== "adaptive_asha") {
      throw new Error(`ashaSearch cannot run searcher ${s.name}`);
    }
    return newAshaSearchState(s, s.max_length.value);
  },
  step,
};
