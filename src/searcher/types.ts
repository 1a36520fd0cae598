/**
 * The searcher's contract (DESIGN §3): events in, operations out. Everything
 * here is plain JSON so that events can be persisted and replayed and states
 * snapshotted with `JSON.stringify`.
 */
import type { ExperimentConfig, HParams } from "../protocol/config/types.js";

/** Trials are named by the order the searcher created them: 1, 2, 3, … */
export type RequestId = number;

/** Why a trial stopped before finishing its operations. */
export type ExitedReason = "INVALID_HP" | "ERRORED" | "USER_CANCELED";

/**
 * The searcher rules a search runs under. A change that makes a method decide
 * differently given the same events gets the next number, and a search keeps
 * the rules it started under: its `initialize` event names them, so a master
 * replaying a log that an older master wrote decides as that master did.
 *
 * 1: stopping ASHA ranks a result behind the results equal to it.
 * 2: ahead of them (a tie with the best continues).
 *
 * Logs written before the rules were named say `rules: null` (schema version
 * 9 marked them): `replaySearcher` finds which rules they ran under.
 */
export const SEARCHER_RULES = 2;

export type SearcherEvent =
  /** `rules`: the searcher rules the search runs under; absent: `SEARCHER_RULES`. */
  | { type: "initialize"; rules?: number | null }
  | { type: "trialCreated"; requestId: RequestId }
  /** `length` is the absolute length the validation was taken at (the op's length). */
  | { type: "validationCompleted"; requestId: RequestId; metric: number; length: number }
  /** The trial is over: no further events are expected for it (a later `trialClosed` is ignored). */
  | { type: "trialExitedEarly"; requestId: RequestId; reason: ExitedReason }
  | { type: "trialClosed"; requestId: RequestId }
  /** How far the trial has trained, as an absolute length; feeds experiment progress only. */
  | { type: "trialProgress"; requestId: RequestId; length: number }
  /**
   * Custom searcher only: the operations a user's search process posted having
   * seen the events up to seq `triggeredBy` of the experiment's event log.
   */
  | { type: "operationsPosted"; triggeredBy: number; operations: PostedOperation[] };

export type CreateOp = {
  type: "create";
  requestId: RequestId;
  hparams: HParams;
  trialSeed: number;
  /**
   * Warm start (pbt): the trial starts from the latest checkpoint of trial
   * `requestId`, taken when it had trained to `length`, and trains on from
   * there with its own hparams. The master resolves the checkpoint.
   */
  checkpoint?: WarmStart;
};

export interface WarmStart {
  requestId: RequestId;
  length: number;
}

export type SearcherOp =
  | CreateOp
  /** Train until the trial's total length is `length` (config unit), then validate. */
  | { type: "validateAfter"; requestId: RequestId; length: number }
  /** The trial is done once its current op completes. */
  | { type: "close"; requestId: RequestId }
  /** `reason`, given with a failure: why the search failed, the experiment's end reason. */
  | { type: "shutdown"; cancel: boolean; failure: boolean; reason?: string };

/**
 * An operation as a custom search process posts it. A create names the
 * request id the trial will get (the next one), so later operations in the
 * same post can refer to it; the master draws the trial seed.
 */
export type PostedOperation =
  | { type: "create"; requestId: RequestId; hparams: HParams }
  | { type: "validateAfter"; requestId: RequestId; length: number }
  | { type: "close"; requestId: RequestId }
  | { type: "shutdown"; cancel: boolean; failure: boolean };

/** State of the seeded generator; part of every searcher state. */
export interface RngState {
  /** Four 32-bit words (xoshiro128**). */
  s: [number, number, number, number];
}

export interface Step<S> {
  state: S;
  ops: SearcherOp[];
}

/** The events a search method sees; the wrapper (`searcher.ts`) handles the rest. */
export type MethodEvent = Extract<
  SearcherEvent,
  { type: "initialize" | "validationCompleted" | "trialExitedEarly" }
>;

/** What a search method may use besides its own state. */
export interface MethodContext {
  readonly config: ExperimentConfig;
  /** The searcher's generator; drawing from it advances the searcher state. */
  readonly rng: RngState;
  /**
   * A `create` op for a new trial: the next request id, `hparams` (sampled from
   * the config's hyperparameters when not given) and a trial seed.
   */
  newTrial(hparams?: HParams): CreateOp;
}

/**
 * A search method: a reducer with no clock, no Math.random and no IO. `step`
 * updates the state it is given and returns it: the wrapper only ever hands a
 * method a state it owns, so `stepSearcher` stays a pure function.
 */
export interface SearchMethod<S> {
  create(config: ExperimentConfig): S;
  step(ctx: MethodContext, state: S, event: MethodEvent): Step<S>;
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}
