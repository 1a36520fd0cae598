/** Checkpoint metadata; the bytes live in checkpoint storage. */
import { type Selectable, sql } from "kysely";
import { chunks, type Db, toDate, toJsonText } from "./codec.js";
import { notForIndex } from "./index-choice.js";
import { reusedQuery } from "./reused-query.js";
import type { CheckpointsTable } from "./schema.js";
import type { CheckpointFilter, CheckpointRow, Store } from "./store.js";

const UUIDS_PER_UPDATE = 500;

export function toCheckpoint(row: Selectable<CheckpointsTable>): CheckpointRow {
  return {
    uuid: row.uuid,
    trialId: row.trial_id,
    experimentId: row.experiment_id,
    runId: row.run_id,
    stepsCompleted: row.steps_completed,
    resources: JSON.parse(row.resources) as Record<string, number>,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    sizeBytes: row.size_bytes,
    state: row.state as CheckpointRow["state"],
    createdAt: toDate(row.created_at),
  };
}

/** `sizeBytes` is the sum of the resources' sizes. */
export async function addCheckpoint(
  db: Db,
  now: number,
  input: Parameters<Store["addCheckpoint"]>[0],
): Promise<CheckpointRow> {
  const sizeBytes = Object.values(input.resources).reduce((sum, bytes) => sum + bytes, 0);
  const row = await db
    .insertInto("checkpoints")
    .values({
      uuid: input.uuid,
      trial_id: input.trialId,
      experiment_id: input.experimentId,
      run_id: input.runId,
      steps_completed: input.stepsCompleted,
      resources: toJsonText(input.resources),
      metadata: toJsonText(input.metadata),
      size_bytes: sizeBytes,
      state: "ACTIVE" satisfies CheckpointRow["state"],
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toCheckpoint(row);
}

export async function getCheckpoint(db: Db, uuid: string): Promise<CheckpointRow | null> {
  const { rows } = await reusedQuery(db, "getCheckpoint", [uuid], (uuid) =>
    db.selectFrom("checkpoints").selectAll().where("uuid", "=", uuid),
  );
  return rows[0] ? toCheckpoint(rows[0]) : null;
}

/** The checkpoints `filter` picks, in the order they were registered. */
function checkpointsOf(db: Db, filter: CheckpointFilter) {
  let query = db.selectFrom("checkpoints").orderBy("id");
  if (filter.experimentId !== undefined) {
    // A trial's checkpoints by the trial's index, not by its experiment's (all of them).
    const experiment =
      filter.trialId === undefined
        ? sql.ref("experiment_id")
        : notForIndex<number>("experiment_id");
    query = query.where(experiment, "=", filter.experimentId);
  }
  if (filter.trialId !== undefined) query = query.where("trial_id", "=", filter.trialId);
  if (!filter.includeDeleted) {
    query = query.where("state", "=", "ACTIVE" satisfies CheckpointRow["state"]);
  }
  if (filter.after !== undefined) query = query.where("id", ">", filter.after);
  if (filter.through !== undefined) query = query.where("id", "<=", filter.through);
  return filter.limit === undefined ? query : query.limit(filter.limit);
}

/** In the order they were registered; DELETED ones only when asked for. */
export async function listCheckpoints(db: Db, filter: CheckpointFilter): Promise<CheckpointRow[]> {
  if (filter.limit !== undefined && filter.limit <= 0) return [];
  return (await checkpointsOf(db, filter).selectAll().execute()).map(toCheckpoint);
}

export async function listCheckpointSizes(
  db: Db,
  filter: CheckpointFilter,
): Promise<{ id: number; bytes: number }[]> {
  if (filter.limit !== undefined && filter.limit <= 0) return [];
  const rows = await checkpointsOf(db, filter)
    .select((eb) => [
      "id",
      eb(
        eb.fn<number>("octet_length", ["resources"]),
        "+",
        eb.fn<number>("octet_length", ["metadata"]),
      ).as("bytes"),
    ])
    .execute();
  return rows.map((r) => ({ id: Number(r.id), bytes: Number(r.bytes) }));
}

/** Unknown uuids are ignored. Runs inside the caller's transaction. */
export async function markCheckpointsDeleted(db: Db, uuids: string[]): Promise<void> {
  for (const chunk of chunks(uuids, UUIDS_PER_UPDATE)) {
    if (chunk.length === 0) continue;
    await db
      .updateTable("checkpoints")
      .set({ state: "DELETED" satisfies CheckpointRow["state"] })
      .where("uuid", "in", chunk)
      .execute();
  }
}
