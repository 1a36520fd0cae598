/**
 * Which checkpoints experiments not yet ended start, or will start, trials
 * from: their `searcher.source_checkpoint_uuid` (a fork from a checkpoint, a
 * continued trial) and each trial's latest and warm-start checkpoint. Such a
 * checkpoint is kept, as Determined keeps a checkpoint other experiments
 * reference, whichever experiment it belongs to: deleting its experiment is
 * refused, and the keep rule at its experiment's end passes over it until the
 * experiments using it have ended too.
 */
import { NOT_ENDED_STATES } from "../../protocol/api/run-states.js";
import type { ExperimentRow, Store } from "../storage/store.js";
import type { KeyedLock } from "./keyed-lock.js";

/**
 * Runs `fn` while no other such `fn` runs: the master's lock over which
 * checkpoints are in use. A new experiment that starts from a checkpoint
 * checks it and is stored (its first trials with it) under this lock, and a
 * delete or a keep rule reads who uses a checkpoint and deletes it under it
 * too, so neither can slip between the other's check and its write. One
 * master holds its database (SQLite or PostgreSQL) at a time, so an
 * in-process lock serialises them all.
 */
export function whileCheckpointUseIsFixed<T>(locks: KeyedLock, fn: () => Promise<T>): Promise<T> {
  return locks.run(CHECKPOINT_USE, fn);
}

/** A key of the master's KeyedLock; experiments' keys are their numeric ids. */
const CHECKPOINT_USE = "checkpoint-use";

/** The checkpoints experiment `exp`'s trials start, or will start, from. */
export async function checkpointsUsedBy(store: Store, exp: ExperimentRow): Promise<Set<string>> {
  const used = new Set<string>();
  const source = exp.config.searcher.source_checkpoint_uuid;
  if (typeof source === "string") used.add(source);
  // Not the trials' rows: every experiment not yet ended is asked, and its trials can be
  // thousands, with hyperparameters of hundreds of KB.
  for (const uuid of await store.listTrialStartCheckpoints(exp.id)) used.add(uuid);
  return used;
}

/**
 * The experiments not yet ended, other than `ending` (one whose trials have
 * all stopped: it starts nothing any more), that use any of `uuids`.
 */
export async function checkpointUsers(
  store: Store,
  uuids: ReadonlySet<string>,
  ending?: number,
): Promise<{ experiment: ExperimentRow; uses: string[] }[]> {
  if (uuids.size === 0) return [];
  const users: { experiment: ExperimentRow; uses: string[] }[] = [];
  for (const e of await store.listExperiments({ states: [...NOT_ENDED_STATES] })) {
    if (e.id === ending) continue;
    const uses = [...(await checkpointsUsedBy(store, e))].filter((u) => uuids.has(u));
    if (uses.length > 0) users.push({ experiment: e, uses });
  }
  return users;
}
