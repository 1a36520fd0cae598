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

/**
 * How far an experiment's search got, as the CLI and the web UI show it: its
 * progress in [0, 1], and whether it failed. A failed search (ERROR, or
 * stopping for it) ends with the searcher's progress at 1 — the search is
 * over — without having done its work, so that 1 is shown as none done,
 * never as a full bar or 100%.
 */
export function shownProgress(progress: number, state: string): { done: number; failed: boolean } {
  const failed = state === "ERROR" || state === "STOPPING_ERROR";
  const done = Math.max(0, Math.min(1, progress));
  return { done: failed && done >= 1 ? 0 : done, failed };
}

/** Where a trial's current operation stands, in the words the CLI and the web UI share. */
export type OpStatus = "training" | "waiting for a slot" | "paused" | "stopping" | "not done";

/**
 * Where a trial's current (unfinished) operation stands: trained on by a
 * running process, waiting for a slot (no process: not started yet, or
 * between runs), paused or stopping with its experiment, or never to be done
 * (the trial ended).
 */
export function currentOpStatus(t: { state: string; running: boolean }): OpStatus {
  if (isEnded(t.state)) return "not done";
  if (t.state === "PAUSED") return "paused";
  if (t.state.startsWith("STOPPING")) return "stopping";
  return t.running ? "training" : "waiting for a slot";
}
