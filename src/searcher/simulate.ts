/**
 * Drives the searcher the way a master would, with trials that report
 * whatever `report` says, one event at a time in first-in, first-out order:
 * a created trial announces itself, then does its ops in the order they were
 * given; a trial asked to close closes once its op is done. Concurrency is
 * what the searcher allows. Used by `previewSearch` and by the tests.
 */
import type { ExperimentConfig, HParams } from "../protocol/config/types.js";
import { advanceSearcher, newSearcher, type SearcherState } from "./searcher.js";
import type { ExitedReason, RequestId, SearcherEvent, SearcherOp, WarmStart } from "./types.js";

/** A metric, or an early exit instead of a validation. */
export type TrialOutcome = number | { exit: ExitedReason };

export interface SimulatedTrial {
  requestId: RequestId;
  hparams: HParams;
  /** The lengths the trial validated at, in order. */
  lengths: number[];
  exited: ExitedReason | null;
  /** pbt: where the trial starts from. */
  checkpoint?: WarmStart;
}

export interface SimulationOptions {
  /** What trial `requestId` reports when it reaches `length`. */
  report(trial: { requestId: RequestId; hparams: HParams; length: number }): TrialOutcome;
  /**
   * Called after each event; may return a state to continue from instead
   * (tests use it to continue from a restored snapshot).
   */
  afterEvent?(
    state: SearcherState,
    event: SearcherEvent,
    ops: SearcherOp[],
  ): SearcherState | undefined;
  /** Refuse plans with more trials than this (default 1,000,000). */
  trialLimit?: number;
}

export interface SimulationResult {
  state: SearcherState;
  trials: SimulatedTrial[];
}

interface Running extends SimulatedTrial {
  op: number | null;
  closing: boolean;
  closeQueued: boolean;
}

type Work = SearcherEvent | { type: "work"; requestId: RequestId };

export function simulate(config: ExperimentConfig, options: SimulationOptions): SimulationResult {
  const trialLimit = options.trialLimit ?? 1_000_000;
  let state = newSearcher(config);
  const trials: Running[] = [];
  const queue: Work[] = [{ type: "initialize" }];
  let head = 0;
  let done = false;

  const closeIfIdle = (trial: Running) => {
    if (trial.closing && trial.op === null && trial.exited === null && !trial.closeQueued) {
      trial.closeQueued = true;
      queue.push({ type: "trialClosed", requestId: trial.requestId });
    }
  };

  const apply = (ops: SearcherOp[]) => {
    for (const op of ops) {
      switch (op.type) {
        case "create":
          if (trials.length >= trialLimit) {
            throw new Error(
              `the search creates more than ${trialLimit} trials; refusing to simulate it`,
            );
          }
          trials.push({
            requestId: op.requestId,
            hparams: op.hparams,
            lengths: [],
            exited: null,
            op: null,
            closing: false,
            closeQueued: false,
            ...(op.checkpoint ? { checkpoint: op.checkpoint } : {}),
          });
          queue.push({ type: "trialCreated", requestId: op.requestId });
          break;
        case "validateAfter":
          trials[op.requestId - 1]!.op = op.length;
          queue.push({ type: "work", requestId: op.requestId });
          break;
        case "close": {
          const trial = trials[op.requestId - 1]!;
          trial.closing = true;
          closeIfIdle(trial);
          break;
        }
        case "shutdown":
          done = true;
          break;
      }
    }
  };

  const send = (event: SearcherEvent) => {
    const ops = advanceSearcher(config, state, event);
    const replacement = options.afterEvent?.(state, event, ops);
    if (replacement !== undefined) state = replacement;
    apply(ops);
  };

  while (!done) {
    const item = queue[head++];
    if (item === undefined) throw new Error("simulation stalled: no event left before shutdown");
    if (item.type !== "work") {
      send(item);
      continue;
    }
    const trial = trials[item.requestId - 1]!;
    const length = trial.op!;
    const outcome = options.report({ requestId: trial.requestId, hparams: trial.hparams, length });
    trial.op = null;
    if (typeof outcome === "number") {
      trial.lengths.push(length);
      send({ type: "validationCompleted", requestId: trial.requestId, metric: outcome, length });
    } else {
      trial.exited = outcome.exit;
      send({ type: "trialExitedEarly", requestId: trial.requestId, reason: outcome.exit });
    }
    closeIfIdle(trial);
  }

  return {
    state,
    trials: trials.map(({ requestId, hparams, lengths, exited, checkpoint }) => ({
      requestId,
      hparams,
      lengths,
      exited,
      ...(checkpoint ? { checkpoint } : {}),
    })),
  };
}
