/** Allocations: one per process run of a trial, with its fencing token's hash. */
import { type Selectable, sql, type Updateable } from "kysely";
import {
  type Db,
  fromBool,
  fromDateOrNull,
  inParts,
  toBool,
  toDate,
  toDateOrNull,
  toJsonText,
} from "./codec.js";
import { reusedQuery, updateById } from "./reused-query.js";
import type { AllocationsTable } from "./schema.js";
import type { AllocationRow, AllocationState, AllocationStub, Store } from "./store.js";

export function toAllocation(row: Selectable<AllocationsTable>): AllocationRow {
  return {
    id: row.id,
    trialId: row.trial_id,
    experimentId: row.experiment_id,
    state: row.state as AllocationState,
    runId: row.run_id,
    slots: row.slots,
    resourcePool: row.resource_pool,
    tokenHash: row.token_hash,
    preemptRequested: toBool(row.preempt_requested),
    preemptRequestedAt: toDateOrNull(row.preempt_requested_at),
    preemptAcked: toBool(row.preempt_acked),
    launcherHandle: row.launcher_handle === null ? null : JSON.parse(row.launcher_handle),
    lingering: toBool(row.lingering),
    exitCode: row.exit_code,
    exitReason: row.exit_reason,
    createdAt: toDate(row.created_at),
    endedAt: toDateOrNull(row.ended_at),
  };
}

export async function createAllocation(
  db: Db,
  now: number,
  input: Parameters<Store["createAllocation"]>[0],
): Promise<AllocationRow> {
  const row = await db
    .insertInto("allocations")
    .values({
      id: input.id,
      trial_id: input.trialId,
      experiment_id: input.experimentId,
      state: "PENDING" satisfies AllocationState,
      run_id: input.runId,
      slots: input.slots,
      resource_pool: input.resourcePool ?? "default",
      token_hash: input.tokenHash,
      preempt_requested: 0,
      preempt_requested_at: null,
      preempt_acked: 0,
      launcher_handle: null,
      lingering: 0,
      exit_code: null,
      exit_reason: null,
      created_at: now,
      ended_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toAllocation(row);
}

export async function getAllocation(db: Db, id: string): Promise<AllocationRow | null> {
  const { rows } = await reusedQuery(db, "getAllocation", [id], (id) =>
    db.selectFrom("allocations").selectAll().where("id", "=", id),
  );
  return rows[0] ? toAllocation(rows[0]) : null;
}

/** Allocations not TERMINATED, in the order they were made. */
const liveAllocations = (db: Db) =>
  db
    .selectFrom("allocations")
    // A literal, so SQLite can use the partial index of live allocations.
    .where("state", "<>", sql.lit<AllocationState>("TERMINATED"))
    .orderBy("created_at")
    .orderBy("run_id")
    .orderBy("id");

/** Oldest first. */
export async function listLiveAllocations(
  db: Db,
  filter?: { trialId?: number; experimentId?: number },
): Promise<AllocationRow[]> {
  // The columns filtered on, in one order: the compiled query is keyed by them.
  const filters = (
    [
      ["trial_id", filter?.trialId],
      ["experiment_id", filter?.experimentId],
    ] as const
  ).filter(([, value]) => value !== undefined);
  const key = `listLiveAllocations ${filters.map(([column]) => column).join(",")}`;
  const values = filters.map(([, value]) => value);
  const { rows } = await reusedQuery(db, key, values, (...slots) =>
    filters.reduce(
      (query, [column], i) => query.where(column, "=", slots[i]!),
      liveAllocations(db).selectAll(),
    ),
  );
  return rows.map(toAllocation);
}

/**
 * Ended allocations whose processes were told there is no next trial and
 * were not seen to exit, those of deleted experiments included (ended, with
 * no token).
 */
export async function listLingeringAllocations(db: Db): Promise<AllocationRow[]> {
  const rows = await db
    .selectFrom("allocations")
    .selectAll()
    // A literal, so SQLite can use the partial index.
    .where("lingering", "=", sql.lit(1))
    .orderBy("id")
    .execute();
  const outlived = await db.selectFrom("outlived_processes").selectAll().orderBy("id").execute();
  return [
    ...rows.map(toAllocation),
    ...outlived.map((row) =>
      toAllocation({
        ...row,
        state: "TERMINATED" satisfies AllocationState,
        token_hash: "",
        preempt_requested: 1,
        preempt_acked: 0,
        lingering: 1,
        exit_code: null,
        exit_reason: null,
        created_at: row.preempt_requested_at ?? 0,
        ended_at: row.preempt_requested_at,
      }),
    ),
  ];
}

/** Columns an outlived process keeps of its allocation (`OutlivedProcessesTable`). */
const OUTLIVED_COLUMNS = [
  "id",
  "trial_id",
  "experiment_id",
  "run_id",
  "slots",
  "resource_pool",
  "launcher_handle",
  "preempt_requested_at",
] as const;

/**
 * Before an experiment's rows are deleted: its allocations whose processes
 * have not been seen to exit are kept as outlived processes, to be found
 * after a restart.
 */
export async function keepOutlivedProcesses(db: Db, experimentId: number): Promise<void> {
  await db
    .insertInto("outlived_processes")
    .columns(OUTLIVED_COLUMNS)
    .expression(
      db
        .selectFrom("allocations")
        .select(OUTLIVED_COLUMNS)
        .where("experiment_id", "=", experimentId)
        .where("lingering", "=", sql.lit(1)),
    )
    .execute();
}

export async function listLiveAllocationStubs(db: Db): Promise<AllocationStub[]> {
  const { rows } = await reusedQuery(db, "listLiveAllocationStubs", [], () =>
    liveAllocations(db).select([
      "id",
      "trial_id",
      "experiment_id",
      "state",
      "slots",
      "resource_pool",
      "preempt_requested",
    ]),
  );
  return rows.map((row) => ({
    id: row.id,
    trialId: row.trial_id,
    experimentId: row.experiment_id,
    state: row.state as AllocationState,
    slots: row.slots,
    resourcePool: row.resource_pool,
    preemptRequested: toBool(row.preempt_requested),
  }));
}

/** Every allocation of these trials, live or not, by trial id and in run order. */
export async function listAllocationsOfTrials(
  db: Db,
  trialIds: readonly number[],
): Promise<AllocationRow[]> {
  const ids = [...new Set(trialIds)].sort((a, b) => a - b);
  const rows = await inParts(ids, (part) =>
    db
      .selectFrom("allocations")
      .selectAll()
      .where("trial_id", "in", part)
      .orderBy("trial_id")
      .orderBy("run_id")
      .orderBy("created_at")
      .orderBy("id")
      .execute(),
  );
  return rows.map(toAllocation);
}

export async function updateAllocation(
  db: Db,
  id: string,
  patch: Parameters<Store["updateAllocation"]>[1],
): Promise<void> {
  const set: Updateable<AllocationsTable> = {};
  if (patch.state !== undefined) set.state = patch.state;
  if (patch.preemptRequested !== undefined) {
    set.preempt_requested = fromBool(patch.preemptRequested);
  }
  if (patch.preemptRequestedAt !== undefined) {
    set.preempt_requested_at = fromDateOrNull(patch.preemptRequestedAt);
  }
  if (patch.preemptAcked !== undefined) set.preempt_acked = fromBool(patch.preemptAcked);
  // `launcherHandle: undefined` is indistinguishable from "not given"; null clears it.
  if (patch.launcherHandle !== undefined) {
    set.launcher_handle = patch.launcherHandle === null ? null : toJsonText(patch.launcherHandle);
  }
  if (patch.lingering !== undefined) set.lingering = fromBool(patch.lingering);
  if (patch.exitCode !== undefined) set.exit_code = patch.exitCode;
  if (patch.exitReason !== undefined) set.exit_reason = patch.exitReason;
  if (patch.endedAt !== undefined) set.ended_at = fromDateOrNull(patch.endedAt);
  await updateById(db, "allocations", id, set);
  // One of a deleted experiment is gone: it is looked for no more.
  if (patch.lingering === false)
    await db.deleteFrom("outlived_processes").where("id", "=", id).execute();
}
