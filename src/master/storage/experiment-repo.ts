/** Experiments: create, read, patch, and delete with everything they own. */
import type { Selectable, Updateable } from "kysely";
import type { ExperimentConfig } from "../../protocol/config/types.js";
import { toAllocation } from "./allocation-repo.js";
import { toCheckpoint } from "./checkpoint-repo.js";
import { type Db, fromDateOrNull, toDate, toDateOrNull } from "./codec.js";
import { reusedQuery, updateById } from "./reused-query.js";
import type { Dialect, ExperimentsTable } from "./schema.js";
import type { DeletedExperiment, ExperimentRow, ExperimentState, Store } from "./store.js";

function toExperiment(row: Selectable<ExperimentsTable>): ExperimentRow {
  return {
    id: row.id,
    name: row.name,
    state: row.state as ExperimentState,
    config: JSON.parse(row.config) as ExperimentConfig,
    configYaml: row.config_yaml,
    workdir: row.workdir,
    ownerId: row.owner_id,
    progress: row.progress,
    bestMetric: row.best_metric,
    createdAt: toDate(row.created_at),
    endedAt: toDateOrNull(row.ended_at),
    endReason: row.end_reason,
  };
}

export async function createExperiment(
  db: Db,
  now: number,
  input: Parameters<Store["createExperiment"]>[0],
): Promise<ExperimentRow> {
  const row = await db
    .insertInto("experiments")
    .values({
      name: input.name,
      state: "ACTIVE" satisfies ExperimentState,
      config: JSON.stringify(input.config),
      config_yaml: input.configYaml,
      workdir: input.workdir,
      owner_id: input.ownerId,
      progress: 0,
      best_metric: null,
      last_event_seq: 0,
      created_at: now,
      ended_at: null,
      end_reason: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toExperiment(row);
}

export async function getExperiment(db: Db, id: number): Promise<ExperimentRow | null> {
  const { rows } = await reusedQuery(db, "getExperiment", [id], (id) =>
    db.selectFrom("experiments").selectAll().where("id", "=", id),
  );
  return rows[0] ? toExperiment(rows[0]) : null;
}

export async function getSearcherSnapshot(
  db: Db,
  experimentId: number,
): Promise<{ snapshot: string; seq: number } | null> {
  const { rows } = await reusedQuery(db, "getSearcherSnapshot", [experimentId], (id) =>
    db.selectFrom("searcher_snapshots").select(["seq", "snapshot"]).where("experiment_id", "=", id),
  );
  return rows[0] ?? null;
}

export async function putSearcherSnapshot(
  db: Db,
  experimentId: number,
  seq: number,
  snapshot: string,
): Promise<void> {
  await db
    .insertInto("searcher_snapshots")
    .values({ experiment_id: experimentId, seq, snapshot })
    .onConflict((oc) => oc.column("experiment_id").doUpdateSet({ seq, snapshot }))
    .execute();
}

export async function listExperiments(
  db: Db,
  filter?: { states?: ExperimentState[] },
): Promise<ExperimentRow[]> {
  let query = db.selectFrom("experiments").selectAll().orderBy("id");
  if (filter?.states) {
    if (filter.states.length === 0) return [];
    query = query.where("state", "in", filter.states);
  }
  return (await query.execute()).map(toExperiment);
}

export async function updateExperiment(
  db: Db,
  id: number,
  patch: Parameters<Store["updateExperiment"]>[1],
): Promise<void> {
  const set: Updateable<ExperimentsTable> = {};
  if (patch.state !== undefined) set.state = patch.state;
  if (patch.progress !== undefined) set.progress = patch.progress;
  if (patch.bestMetric !== undefined) set.best_metric = patch.bestMetric;
  if (patch.endedAt !== undefined) set.ended_at = fromDateOrNull(patch.endedAt);
  if (patch.endReason !== undefined) set.end_reason = patch.endReason;
  await updateById(db, "experiments", id, set);
}

/**
 * Deletes the experiment and, children first, every row that belongs to it.
 * Runs inside the caller's transaction; returns the checkpoints (all states)
 * and the allocations, so the caller can remove their files.
 *
 * Rows may still be added meanwhile (the log sink's flush, a late checkpoint
 * or metrics push). On PostgreSQL such an insert could commit between the
 * delete of its table and the delete of the trials it names, and the trials'
 * delete would fail on the foreign key. So the experiment's row and then its
 * trials' rows are locked first: an insert naming them waits for this
 * transaction and then fails (they are gone), and one already under way is
 * waited for and its rows deleted too. SQLite runs one transaction at a time.
 */
export async function deleteExperiment(
  db: Db,
  dialect: Dialect,
  id: number,
): Promise<DeletedExperiment> {
  if (dialect === "postgres") {
    await db.selectFrom("experiments").select("id").where("id", "=", id).forUpdate().execute();
    await db
      .selectFrom("trials")
      .select("id")
      .where("experiment_id", "=", id)
      .forUpdate()
      .execute();
  }
  const checkpoints = await db
    .selectFrom("checkpoints")
    .selectAll()
    .where("experiment_id", "=", id)
    .orderBy("id")
    .execute();
  const allocations = await db
    .selectFrom("allocations")
    .selectAll()
    .where("experiment_id", "=", id)
    .orderBy("created_at")
    .execute();
  const trialIds = db.selectFrom("trials").select("id").where("experiment_id", "=", id);
  await db.deleteFrom("trial_logs").where("trial_id", "in", trialIds).execute();
  await db.deleteFrom("metrics").where("trial_id", "in", trialIds).execute();
  await db.deleteFrom("checkpoints").where("experiment_id", "=", id).execute();
  await db.deleteFrom("allocations").where("experiment_id", "=", id).execute();
  await db.deleteFrom("trial_ops").where("trial_id", "in", trialIds).execute();
  await db.deleteFrom("trials").where("experiment_id", "=", id).execute();
  await db.deleteFrom("searcher_events").where("experiment_id", "=", id).execute();
  await db.deleteFrom("searcher_snapshots").where("experiment_id", "=", id).execute();
  await db.deleteFrom("experiments").where("id", "=", id).execute();
  return { checkpoints: checkpoints.map(toCheckpoint), allocations: allocations.map(toAllocation) };
}
