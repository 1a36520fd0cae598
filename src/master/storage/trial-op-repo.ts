/**
 * A trial's queue of `ValidateAfter` ops, done in seq order. Seqs come from a
 * counter on the trial row (bumped under its row lock), so they are 1, 2, 3 …
 * per trial even when ops are added concurrently.
 */
import { type Selectable, sql } from "kysely";
import { type Db, fromBool, toBool } from "./codec.js";
import { reusedQuery } from "./reused-query.js";
import type { TrialOpsTable } from "./schema.js";
import type { TrialOpRow } from "./store.js";

/**
 * `completed = 0` written as a literal, not a parameter: only then can SQLite
 * use the partial index `trial_ops_open` (…where completed = 0).
 */
const OPEN = sql.lit(fromBool(false));

function toTrialOp(row: Selectable<TrialOpsTable>): TrialOpRow {
  return {
    trialId: row.trial_id,
    seq: row.seq,
    length: row.length,
    completed: toBool(row.completed),
    searcherMetric: row.searcher_metric,
  };
}

/** Runs inside the caller's transaction. */
export async function addTrialOp(db: Db, trialId: number, length: number): Promise<TrialOpRow> {
  const bumped = await db
    .updateTable("trials")
    .set((eb) => ({ last_op_seq: eb("last_op_seq", "+", 1) }))
    .where("id", "=", trialId)
    .returning("last_op_seq")
    .executeTakeFirst();
  if (!bumped) throw new Error(`trial ${trialId} not found`);
  const row = await db
    .insertInto("trial_ops")
    .values({
      trial_id: trialId,
      seq: bumped.last_op_seq,
      length,
      completed: fromBool(false),
      searcher_metric: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toTrialOp(row);
}

export async function getNextTrialOp(db: Db, trialId: number): Promise<TrialOpRow | null> {
  const { rows } = await reusedQuery(db, "getNextTrialOp", [trialId], (trialId) =>
    db
      .selectFrom("trial_ops")
      .selectAll()
      .where("trial_id", "=", trialId)
      .where("completed", "=", OPEN)
      .orderBy("seq")
      .limit(1),
  );
  return rows[0] ? toTrialOp(rows[0]) : null;
}

/** The first uncompleted op of every trial of an experiment that has one (one query). */
export async function listNextTrialOps(db: Db, experimentId: number): Promise<TrialOpRow[]> {
  // From the few open operations (index trial_ops_open) to their trials, not from every
  // trial the experiment ever had: SQLite keeps a cross join's order as written.
  const rows = await db
    .selectFrom("trial_ops")
    .crossJoin("trials")
    .selectAll("trial_ops")
    .whereRef("trials.id", "=", "trial_ops.trial_id")
    .where("trials.experiment_id", "=", experimentId)
    .where("trial_ops.completed", "=", OPEN)
    .orderBy("trial_ops.trial_id")
    .orderBy("trial_ops.seq")
    .execute();
  const out: TrialOpRow[] = [];
  for (const row of rows)
    if (out[out.length - 1]?.trialId !== row.trial_id) out.push(toTrialOp(row));
  return out;
}

export async function listTrialOps(db: Db, trialId: number): Promise<TrialOpRow[]> {
  const rows = await db
    .selectFrom("trial_ops")
    .selectAll()
    .where("trial_id", "=", trialId)
    .orderBy("seq")
    .execute();
  return rows.map(toTrialOp);
}

export async function completeTrialOp(
  db: Db,
  trialId: number,
  seq: number,
  searcherMetric: number,
): Promise<void> {
  await db
    .updateTable("trial_ops")
    .set({ completed: fromBool(true), searcher_metric: searcherMetric })
    .where("trial_id", "=", trialId)
    .where("seq", "=", seq)
    .execute();
}
