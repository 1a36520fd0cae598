/**
 * Snapshots: the searcher state as versioned JSON. The config is not included
 * (the master stores it with the experiment); the generator state is. A
 * snapshot restored and snapshotted again is byte-identical.
 */
import type { SearcherState } from "./searcher.js";

export const SNAPSHOT_VERSION = 1;

interface Snapshot {
  version: number;
  state: SearcherState;
}

export function snapshotSearcher(state: SearcherState): string {
  const snapshot: Snapshot = { version: SNAPSHOT_VERSION, state };
  return JSON.stringify(snapshot);
}

export function restoreSearcher(json: string): SearcherState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new Error(`searcher snapshot is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || !("version" in parsed)) {
    throw new Error("not a searcher snapshot: expected an object with a version");
  }
  const { version } = parsed as { version: unknown };
  if (version !== SNAPSHOT_VERSION) {
    throw new Error(
      `searcher snapshot version ${JSON.stringify(version)} is not supported (this build reads version ${SNAPSHOT_VERSION})`,
    );
  }
  const state = (parsed as Partial<Snapshot>).state;
  if (typeof state !== "object" || state === null || !Array.isArray(state.trials)) {
    throw new Error("searcher snapshot has no state");
  }
  return state;
}
