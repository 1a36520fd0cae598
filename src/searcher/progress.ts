/**
 * Experiment progress: the length trained so far over the length the search
 * is expected to train. The expectation is the plan with a constant metric
 * (computed from the config, no simulation), raised to "trained so far plus
 * the work outstanding" when the search turns out bigger than that, so the
 * ratio stays below 1 while anything is left to do. The reported value never
 * decreases and reaches exactly 1 only at shutdown.
 */

export interface ProgressState {
  /** Length the search trains with a constant metric. */
  planned: number;
  /** Length trained by all trials (INVALID_HP trials excepted). */
  trained: number;
  /** Length still to train for the ops outstanding. */
  outstanding: number;
  /** The highest value reported so far. */
  value: number;
}

/** The part of a trial's record that progress needs. */
export interface TrainedTrial {
  /** Length of the outstanding validateAfter, or null. */
  op: number | null;
  trained: number;
  /**
   * Where a warm-started trial began (the length of the checkpoint it starts
   * from: trained already, and counted, by its parent); absent: 0.
   */
  start?: number;
}

/** Progress stays below this until the search shuts down. */
export const BEFORE_SHUTDOWN_MAX = 0.99;

export function newProgress(planned: number): ProgressState {
  return { planned, trained: 0, outstanding: 0, value: 0 };
}

/** The trial has trained to `length` (only counts up to its outstanding op's length). */
export function trainTo(p: ProgressState, t: TrainedTrial, length: number): void {
  if (t.op === null) return;
  const target = Math.min(length, t.op);
  if (!(target > t.trained)) return;
  const delta = target - t.trained;
  p.trained += delta;
  p.outstanding -= delta;
  t.trained = target;
}

export function startOp(p: ProgressState, t: TrainedTrial, length: number): void {
  t.op = length;
  p.outstanding += Math.max(length - t.trained, 0);
}

export function endOp(p: ProgressState, t: TrainedTrial): void {
  if (t.op === null) return;
  p.outstanding -= Math.max(t.op - t.trained, 0);
  t.op = null;
}

/** An early exit that counts as done: the trial's op is credited as if completed. */
export function creditOp(p: ProgressState, t: TrainedTrial): void {
  if (t.op !== null) trainTo(p, t, t.op);
  endOp(p, t);
}

/** An INVALID_HP exit: the trial's work doesn't count (another trial replaces it). */
export function discardTrial(p: ProgressState, t: TrainedTrial): void {
  endOp(p, t);
  const start = t.start ?? 0;
  p.trained -= t.trained - start;
  t.trained = start;
}

export function refreshProgress(p: ProgressState): void {
  const expected = Math.max(p.planned, p.trained + p.outstanding);
  const raw = expected > 0 ? p.trained / expected : 0;
  p.value = Math.max(p.value, Math.min(raw, BEFORE_SHUTDOWN_MAX));
}
