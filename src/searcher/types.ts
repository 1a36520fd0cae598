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

export type SearcherEvent =
  | { type: "initialize" }
  | { type: "trialCreated"; requestId: RequestId }
  /** `length` is the absolute length the validation was taken at (the op's length). */
  | { type: "validationCompleted"; requestId: RequestId; metric: number; length: number }
  | { type: "trialExitedEarly"; requestId: RequestId; reason: ExitedReason }
  | { type: "trialClosed"; requestId: RequestId }
  /** How far the trial has trained, as an absolute length; feeds experiment progress only. */
  | { type: "trialProgress"; requestId: RequestId; length: number };

export type SearcherOp =
  | { type: "create"; requestId: RequestId; hparams: HParams; trialSeed: number }
  /** Train until the trial's total length is `length` (config unit), then validate. */
  | { type: "validateAfter"; requestId: RequestId; length: number }
  /** The trial is done once its current op completes. */
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

/** A search method: a pure reducer. No clock, no Math.random, no IO. */
export interface SearchMethod<S> {
  init(config: ExperimentConfig): Step<S>;
  step(config: ExperimentConfig, state: S, event: SearcherEvent): Step<S>;
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}
