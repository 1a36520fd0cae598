/**
 * The searcher: one wrapper around every search method, holding the rules
 * they share (DESIGN §3, STYLE 4). It numbers trials, keeps what each trial
 * is doing, drops late events for finished trials, shuts the search down once
 * every trial is finished and the method wants no more or once the search has
 * failed (`search-end.ts`), and turns trial progress into experiment progress.
 *
 * A trial is finished when it exits early or, after a `close` op, when
 * `trialClosed` arrives. A `trialClosed` for a trial that was never asked to
 * close (killed from outside) counts as a USER_CANCELED exit.
 */
import type { ExperimentConfig } from "../protocol/config/types.js";
import { type AshaSearchState, ashaConstantMetricLength, ashaSearch } from "./asha-search.js";
import { type CustomSearchState, customSearch, postedOperations } from "./custom-search.js";
import { SearcherEventError } from "./errors.js";
import { sampleHParams } from "./hparams.js";
import { type PbtSearchState, pbtPlannedLength, pbtSearch } from "./pbt-search.js";
import { type PoolSearchState, poolSearch } from "./pool-search.js";
import {
  creditOp,
  discardTrial,
  endOp,
  newProgress,
  type ProgressState,
  refreshProgress,
  startOp,
  trainTo,
} from "./progress.js";
import { nextTrialSeed, seedRng } from "./rng.js";
import { searchEnd } from "./search-end.js";
import {
  assertNever,
  type ExitedReason,
  type MethodContext,
  type MethodEvent,
  type RequestId,
  type RngState,
  SEARCHER_RULES,
  type SearcherEvent,
  type SearcherOp,
  type Step,
} from "./types.js";

export type MethodState = PoolSearchState | AshaSearchState | PbtSearchState | CustomSearchState;

/**
 * open: created, not asked to close; closing: asked to close, waiting for
 * `trialClosed`; closed / exited: finished.
 */
export type TrialStatus = "open" | "closing" | "closed" | "exited";

export interface TrialRecord {
  status: TrialStatus;
  /** Length of the outstanding validateAfter, or null. */
  op: number | null;
  /** Length trained as far as the searcher knows (for progress). */
  trained: number;
  /** A warm-started trial's checkpoint length (see `TrainedTrial`); absent: 0. */
  start?: number;
  /** Set when the trial exited with INVALID_HP (absent otherwise, and in older snapshots). */
  invalid?: true;
}

export interface SearcherState {
  /** new: before `initialize`; running; shutdown: the search is over. */
  phase: "new" | "running" | "shutdown";
  rng: RngState;
  nextRequestId: RequestId;
  method: MethodState;
  /** trials[requestId - 1]. */
  trials: TrialRecord[];
  /** Trials created and not finished. */
  openTrials: number;
  /** Trials that exited with ERRORED. */
  failedTrials: number;
  /** Whether any trial has reported a validation (absent in older snapshots). */
  validated?: boolean;
  progress: ProgressState;
}

function plannedLength(config: ExperimentConfig, method: MethodState): number {
  switch (method.kind) {
    case "pool":
      return method.target * config.searcher.max_length.value;
    case "asha":
      return ashaConstantMetricLength(method);
    case "pbt":
      return config.searcher.name === "pbt" ? pbtPlannedLength(config.searcher) : 0;
    case "custom":
      return 0;
    default:
      return assertNever(method);
  }
}

function createMethod(config: ExperimentConfig): MethodState {
  switch (config.searcher.name) {
    case "single":
    case "random":
    case "grid":
    case "tpe":
      return poolSearch.create(config);
    case "async_halving":
    case "adaptive_asha":
      return ashaSearch.create(config);
    case "pbt":
      return pbtSearch.create(config);
    case "custom":
      return customSearch.create(config);
    default:
      return assertNever(config.searcher);
  }
}

function stepMethod(ctx: MethodContext, method: MethodState, event: MethodEvent): SearcherOp[] {
  switch (method.kind) {
    case "pool":
      return poolSearch.step(ctx, method, event).ops;
    case "asha":
      return ashaSearch.step(ctx, method, event).ops;
    case "pbt":
      return pbtSearch.step(ctx, method, event).ops;
    case "custom":
      return customSearch.step(ctx, method, event).ops;
    default:
      return assertNever(method);
  }
}

/** A searcher for `config`, before its `initialize` event. */
export function newSearcher(config: ExperimentConfig): SearcherState {
  const lengthValue = config.searcher.max_length.value;
  if (!(lengthValue > 0)) {
    throw new Error(`searcher.max_length: must be > 0, got ${lengthValue}`);
  }
  const method = createMethod(config);
  return {
    phase: "new",
    rng: seedRng(config.reproducibility.experiment_seed),
    nextRequestId: 1,
    method,
    trials: [],
    openTrials: 0,
    failedTrials: 0,
    validated: false,
    progress: newProgress(plannedLength(config, method)),
  };
}

function trialOf(state: SearcherState, requestId: RequestId): TrialRecord {
  const trial = Number.isInteger(requestId) ? state.trials[requestId - 1] : undefined;
  if (trial === undefined) throw new SearcherEventError(`no trial with request id ${requestId}`);
  return trial;
}

function internal(message: string): Error {
  return new Error(`searcher invariant broken: ${message}`);
}

/** Records the method's ops in the trial table; every op must target a trial that can take it. */
function applyOps(state: SearcherState, ops: SearcherOp[]): void {
  for (const op of ops) {
    switch (op.type) {
      case "create":
        if (op.requestId !== state.trials.length + 1)
          throw internal(`create ${op.requestId} out of order`);
        // A warm-started trial has trained as far as the checkpoint it starts from.
        state.trials.push(
          op.checkpoint
            ? {
                status: "open",
                op: null,
                trained: op.checkpoint.length,
                start: op.checkpoint.length,
              }
            : { status: "open", op: null, trained: 0 },
        );
        state.openTrials++;
        break;
      case "validateAfter": {
        const trial = state.trials[op.requestId - 1];
        if (trial?.status !== "open" || trial.op !== null) {
          throw internal(
            `validateAfter for trial ${op.requestId} (${trial?.status}, op ${trial?.op})`,
          );
        }
        startOp(state.progress, trial, op.length);
        break;
      }
      case "close": {
        const trial = state.trials[op.requestId - 1];
        if (trial?.status !== "open")
          throw internal(`close for trial ${op.requestId} (${trial?.status})`);
        trial.status = "closing";
        break;
      }
      case "shutdown":
        // Only a custom search process ends a search itself; the wrapper ends the others.
        if (state.method.kind !== "custom") throw internal("a search method asked for shutdown");
        state.phase = "shutdown";
        break;
      default:
        assertNever(op);
    }
  }
}

function finishTrial(state: SearcherState, trial: TrialRecord, status: "closed" | "exited"): void {
  trial.status = status;
  state.openTrials--;
}

function exitTrial(
  state: SearcherState,
  ctx: MethodContext,
  requestId: RequestId,
  reason: ExitedReason,
  status: "closed" | "exited",
): SearcherOp[] {
  const trial = trialOf(state, requestId);
  if (reason === "ERRORED") state.failedTrials++;
  // A closing trial with nothing left to do is only finishing; the method is done with it.
  const methodCares = trial.op !== null || trial.status === "open";
  if (reason === "INVALID_HP") {
    discardTrial(state.progress, trial);
    trial.invalid = true;
  } else creditOp(state.progress, trial);
  finishTrial(state, trial, status);
  if (!methodCares) return [];
  return stepMethod(ctx, state.method, { type: "trialExitedEarly", requestId, reason });
}

function isFinished(trial: TrialRecord): boolean {
  return trial.status === "closed" || trial.status === "exited";
}

function handle(state: SearcherState, ctx: MethodContext, event: SearcherEvent): SearcherOp[] {
  switch (event.type) {
    case "initialize":
      state.phase = "running";
      return stepMethod(ctx, state.method, event);
    case "trialCreated":
      trialOf(state, event.requestId);
      return [];
    case "trialProgress": {
      const trial = trialOf(state, event.requestId);
      if (!isFinished(trial)) trainTo(state.progress, trial, event.length);
      return [];
    }
    case "validationCompleted": {
      const trial = trialOf(state, event.requestId);
      if (isFinished(trial)) return [];
      if (trial.op === null) {
        throw new SearcherEventError(
          `trial ${event.requestId} reported a validation at ${event.length} but has no operation outstanding`,
        );
      }
      if (trial.op !== event.length) {
        throw new SearcherEventError(
          `trial ${event.requestId} reported a validation at ${event.length} but its operation is validateAfter ${trial.op}`,
        );
      }
      trainTo(state.progress, trial, event.length);
      endOp(state.progress, trial);
      state.validated = true;
      return stepMethod(ctx, state.method, event);
    }
    case "trialExitedEarly": {
      const trial = trialOf(state, event.requestId);
      if (isFinished(trial)) return [];
      return exitTrial(state, ctx, event.requestId, event.reason, "exited");
    }
    case "trialClosed": {
      const trial = trialOf(state, event.requestId);
      if (isFinished(trial)) return [];
      if (trial.status === "closing" && trial.op === null) {
        finishTrial(state, trial, "closed");
        return [];
      }
      return exitTrial(state, ctx, event.requestId, "USER_CANCELED", "closed");
    }
    case "operationsPosted":
      if (state.method.kind !== "custom")
        throw new SearcherEventError("operations can be posted only to a custom searcher");
      return postedOperations(
        ctx,
        state.method,
        state.trials,
        state.nextRequestId,
        event.triggeredBy,
        event.operations,
      );
    default:
      return assertNever(event);
  }
}

/**
 * Applies `event` to `state`, changing it in place, and returns the ops.
 * For callers that own the state outright (replay, simulation);
 * `stepSearcher` is the pure version.
 */
export function advanceSearcher(
  config: ExperimentConfig,
  state: SearcherState,
  event: SearcherEvent,
): SearcherOp[] {
  if (state.phase === "shutdown") {
    if (event.type === "initialize")
      throw new SearcherEventError("the searcher was already initialized");
    return [];
  }
  if (state.phase === "new" && event.type !== "initialize") {
    throw new SearcherEventError(`${event.type} before initialize`);
  }
  if (state.phase === "running" && event.type === "initialize") {
    throw new SearcherEventError("the searcher was already initialized");
  }
  const ctx: MethodContext = {
    config,
    rng: state.rng,
    newTrial(hparams) {
      const requestId = state.nextRequestId++;
      const chosen = hparams ?? sampleHParams(config.hyperparameters, state.rng);
      return { type: "create", requestId, hparams: chosen, trialSeed: nextTrialSeed(state.rng) };
    },
  };
  const ops = handle(state, ctx, event);
  applyOps(state, ops);
  // A custom search ends when its process posts Shutdown, not when it has no trials open.
  const end = state.method.kind === "custom" ? null : searchEnd(config, state);
  if (end !== null) {
    ops.push(end);
    state.phase = "shutdown";
  }
  refreshProgress(state.progress);
  return ops;
}

/**
 * The searcher's reducer: the state after `event` and the ops it calls for,
 * in a deterministic order. `state` is not modified.
 */
export function stepSearcher(
  config: ExperimentConfig,
  state: SearcherState,
  event: SearcherEvent,
): Step<SearcherState> {
  const next = structuredClone(state);
  const ops = advanceSearcher(config, next, event);
  return { state: next, ops };
}

/**
 * Rebuilds a searcher by replaying its events in order (what the master does
 * after a restart). A log whose initialize has `rules: null` was written
 * before the rules were named, by a master that ran rules 1 or 2: it is
 * replayed under the current rules unless it contradicts them (a trial
 * created that they never created), then under rules 1.
 */
export function replaySearcher(
  config: ExperimentConfig,
  events: readonly SearcherEvent[],
): SearcherState {
  const [first, ...rest] = events;
  if (first?.type === "initialize" && first.rules === null) {
    try {
      return replaySearcher(config, [{ type: "initialize", rules: SEARCHER_RULES }, ...rest]);
    } catch (err) {
      if (!(err instanceof SearcherEventError)) throw err;
      return replaySearcher(config, [{ type: "initialize", rules: 1 }, ...rest]);
    }
  }
  const state = newSearcher(config);
  for (const event of events) advanceSearcher(config, state, event);
  return state;
}

/** Experiment progress in [0, 1]: 0 at the start, never lower than before, 1 once shut down. */
export function searcherProgress(state: SearcherState): number {
  if (state.phase === "shutdown") return 1;
  // A custom search's progress is what its process reports (stored on the experiment).
  return state.method.kind === "custom" ? 0 : state.progress.value;
}
