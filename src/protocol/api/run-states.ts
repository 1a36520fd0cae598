/**
 * The states experiments and trials share (DESIGN §6), in the order lists
 * show them. Free of schema code, so the web bundle can import it.
 */
export const RUN_STATES = [
  "ACTIVE",
  "PAUSED",
  "STOPPING_COMPLETED",
  "STOPPING_CANCELED",
  "STOPPING_KILLED",
  "STOPPING_ERROR",
  "COMPLETED",
  "CANCELED",
  "ERROR",
] as const;

export type RunStateName = (typeof RUN_STATES)[number];

const ENDED: ReadonlySet<string> = new Set<RunStateName>(["COMPLETED", "CANCELED", "ERROR"]);

/** Over for good: nothing of it runs or will run. */
export const isEnded = (state: string): boolean => ENDED.has(state);

/** States of what has not ended: running, paused or stopping. */
export const NOT_ENDED_STATES: readonly RunStateName[] = RUN_STATES.filter((s) => !isEnded(s));
