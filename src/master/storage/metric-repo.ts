/**
 * Writing training and validation metrics: the hot path of the master. A
 * push of N reports is one multi-row INSERT … ON CONFLICT DO NOTHING on the
 * unique index of visible rows. When every row inserts (the common case)
 * that is all; otherwise the stored rows at the batch's steps are read back
 * and compared: a newer run's report takes the place of an older run's row,
 * and a conflict within a run discards the whole batch. A restart hides what
 * older runs reported past its checkpoint (`hideMetricsAfter`). Reads are in
 * metric-reads.ts.
 */
import { CompiledQuery, sql } from "kysely";
import {
  chunks,
  count,
  type Db,
  decodeMetrics,
  encodeMetrics,
  fromDate,
  sameMetrics,
} from "./codec.js";
import { ANY_GROUP, GROUPS, VISIBLE } from "./metric-reads.js";
import { reusedQuery } from "./reused-query.js";
import { inSavepoint } from "./savepoint.js";
import type { Dialect, IntBool } from "./schema.js";
import type { MetricConflict, MetricReportInput, MetricsAdded } from "./store.js";

/** 7 parameters a row: 7,000 a statement, far below either dialect's limit. */
const INSERT_CHUNK = 1000;
/** Steps per lookup of stored rows. */
const LOOKUP_CHUNK = 500;

const HIDDEN = sql.lit<IntBool>(1);

function stepKey(group: string, stepsCompleted: number): string {
  return `${group}:${stepsCompleted}`;
}

/** One row's parameters, in the column order of `insertSql`'s VALUES. */
function rowParams(
  trialId: number,
  experimentId: number,
  runId: number,
  report: MetricReportInput,
): unknown[] {
  if (!GROUPS.includes(report.group)) throw new TypeError(`unknown metric group ${report.group}`);
  return [
    trialId,
    experimentId,
    runId,
    report.group,
    report.stepsCompleted,
    encodeMetrics(report.metrics),
    fromDate(report.reportTime),
  ];
}

/**
 * The INSERT for `rows` rows, built once per dialect and size with Kysely and
 * then reused as text: building a 50-row statement costs more than SQLite
 * takes to run it.
 */
const insertSqlCache = new Map<string, string>();

function insertSql(db: Db, dialect: Dialect, rows: unknown[][]): string {
  const key = `${dialect}:${rows.length}`;
  const cached = insertSqlCache.get(key);
  if (cached !== undefined) return cached;
  const compiled = db
    .insertInto("metrics")
    .values(
      rows.map((p) => ({
        trial_id: p[0] as number,
        experiment_id: p[1] as number,
        run_id: p[2] as number,
        metric_group: p[3] as string,
        steps_completed: p[4] as number,
        metrics: p[5] as string,
        report_time: p[6] as number,
        hidden: VISIBLE,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(["trial_id", "metric_group", "steps_completed"])
        .where("hidden", "=", VISIBLE)
        .doNothing(),
    )
    .compile();
  // The text is reused with parameters flattened by hand: check once that
  // Kysely numbered them in the same order.
  const flat = rows.flat();
  if (
    compiled.parameters.length !== flat.length ||
    compiled.parameters.some((value, i) => value !== flat[i])
  ) {
    throw new Error("metric INSERT parameters are not in row-major column order");
  }
  insertSqlCache.set(key, compiled.sql);
  return compiled.sql;
}

/**
 * Cursors read rows in id order (`id > after`). Ids come from one sequence,
 * taken at INSERT, and PostgreSQL commits concurrent transactions in any
 * order: a push that took id 10 may commit after one that took 11, and a
 * reader that saw 11 has passed 10 for good. A cursor over some rows is exact
 * when those rows are inserted one transaction at a time, each holding a lock
 * from before its INSERT until it ends: then an id is taken only after every
 * smaller one of those rows has committed or rolled back, so a statement
 * whose snapshot shows a row shows every smaller one that will ever commit.
 * On PostgreSQL each cursor's rows are inserted so:
 * - a trial's rows: `trialOf` locks the trial's row;
 * - an experiment's validations: `lockValidations`, taken by batches with a
 *   validation only (training batches, the hot path, take no lock for it).
 * SQLite runs one transaction at a time.
 */

/** First key of an experiment's validation lock; the second is the experiment's id. */
const VALIDATION_LOCK = 0x76616c69; // "vali"

/**
 * Locks the experiment's validations until the transaction ends; taken right
 * before a batch's INSERT, by a transaction that then only commits (see
 * `Store.addMetrics`). Its holder already holds its trial's row, which covers
 * all the INSERT could wait for, so it never waits while it holds this lock
 * and no cycle of waits can pass through it, whatever its waiters hold.
 * Experiment ids past 2^31 share a key with a smaller one: those experiments
 * only wait for each other.
 */
async function lockValidations(db: Db, experimentId: number): Promise<void> {
  const key = experimentId % 2 ** 31;
  await sql`select pg_advisory_xact_lock(${sql.lit(VALIDATION_LOCK)}, ${key})`.execute(db);
}

/**
 * The trial's experiment and current run (it runs once per push). On
 * PostgreSQL the trial's row is locked against a restart's change of run
 * until the batch commits: a restart either comes first (the batch is then
 * refused as superseded) or waits and hides what the batch wrote past its
 * checkpoint; the lock also orders the trial's rows for its cursors.
 */
async function trialOf(
  db: Db,
  dialect: Dialect,
  trialId: number,
): Promise<{ experimentId: number; runId: number }> {
  const { rows } = await reusedQuery(db, "experimentAndRunOfTrial", [trialId], (trialId) => {
    const q = db.selectFrom("trials").select(["experiment_id", "run_id"]).where("id", "=", trialId);
    return dialect === "postgres" ? q.forNoKeyUpdate() : q;
  });
  const trial = rows[0];
  if (!trial) throw new Error(`trial ${trialId} not found`);
  return { experimentId: trial.experiment_id, runId: trial.run_id };
}

/**
 * Atomic on its own: in its own transaction at the top level, under a
 * savepoint inside the caller's transaction.
 */
export async function addMetrics(
  db: Db,
  dialect: Dialect,
  inTransaction: boolean,
  trialId: number,
  runId: number,
  reports: MetricReportInput[],
): Promise<MetricsAdded> {
  if (reports.length === 0) return { inserted: 0, conflicts: [] };
  const batch = async (db: Db) => {
    const result = await insertOrConflict(db, dialect, trialId, runId, reports);
    if (result.conflicts.length > 0) throw new DiscardBatch(result.conflicts);
    return result;
  };
  try {
    // A conflict, or any error, undoes the whole batch and nothing else.
    return inTransaction
      ? await inSavepoint(db, () => batch(db))
      : await db.transaction().execute(batch);
  } catch (err) {
    if (err instanceof DiscardBatch) return { inserted: 0, conflicts: err.conflicts };
    throw err;
  }
}

/** Rolls back a batch with conflicts; never escapes `addMetrics`. */
class DiscardBatch extends Error {
  constructor(readonly conflicts: MetricConflict[]) {
    super("metric batch has conflicts");
  }
}

/**
 * Inserts what is new. With conflicts, `inserted` is 0 and the caller must
 * discard what this did.
 */
async function insertOrConflict(
  db: Db,
  dialect: Dialect,
  trialId: number,
  runId: number,
  reports: MetricReportInput[],
): Promise<MetricsAdded> {
  const trial = await trialOf(db, dialect, trialId);
  // A run the trial has moved past (a restart committed after the push was authenticated).
  if (runId < trial.runId) return { inserted: 0, conflicts: [], supersededBy: trial.runId };
  const experimentId = trial.experimentId;
  if (dialect === "postgres" && reports.some((r) => r.group === "validation"))
    await lockValidations(db, experimentId);

  const insert = (batch: MetricReportInput[]) =>
    insertRows(
      db,
      dialect,
      batch.map((r) => rowParams(trialId, experimentId, runId, r)),
    );
  let inserted = await insert(reports);
  if (inserted === reports.length) return { inserted, conflicts: [] };

  // Some reports met a visible row, stored before or earlier in this batch.
  // Each report is compared with the row now visible at its step: its own
  // (it inserted), an identical one (a no-op repeat), one an older run
  // reported (a validation a restart kept: the newer run's report takes its
  // place) or a different one of this run (a conflict).
  const stored = await storedVisible(db, trialId, reports);
  const conflicts: MetricConflict[] = [];
  const replacing: { id: number; report: MetricReportInput }[] = [];
  for (const report of reports) {
    const current = stored.get(stepKey(report.group, report.stepsCompleted));
    if (!current || sameMetrics(current.metrics, report.metrics)) continue;
    if (current.runId < runId) replacing.push({ id: current.id, report });
    else
      conflicts.push({
        group: report.group,
        stepsCompleted: report.stepsCompleted,
        stored: current.metrics,
        reported: report.metrics,
      });
  }
  if (conflicts.length > 0) return { inserted: 0, conflicts };
  if (replacing.length > 0) {
    for (const chunk of chunks(replacing, LOOKUP_CHUNK)) {
      const ids = chunk.map((r) => r.id);
      await db.updateTable("metrics").set({ hidden: HIDDEN }).where("id", "in", ids).execute();
    }
    inserted += await insert(replacing.map((r) => r.report));
  }
  return { inserted, conflicts };
}

/** Inserts `rows` (`rowParams` each), a statement per INSERT_CHUNK; the rows inserted. */
async function insertRows(db: Db, dialect: Dialect, rows: unknown[][]): Promise<number> {
  let inserted = 0;
  for (const chunk of chunks(rows, INSERT_CHUNK)) {
    const result = await db.executeQuery(
      CompiledQuery.raw(insertSql(db, dialect, chunk), chunk.flat()),
    );
    inserted += count(result.numAffectedRows);
  }
  return inserted;
}

/** A visible stored row: its id, the run that reported it and its metrics. */
interface StoredRow {
  id: number;
  runId: number;
  metrics: Record<string, number>;
}

/** The visible stored rows at the reports' steps, by `stepKey`. */
async function storedVisible(
  db: Db,
  trialId: number,
  reports: MetricReportInput[],
): Promise<Map<string, StoredRow>> {
  const stored = new Map<string, StoredRow>();
  const steps = [...new Set(reports.map((r) => r.stepsCompleted))];
  for (const chunk of chunks(steps, LOOKUP_CHUNK)) {
    const rows = await db
      .selectFrom("metrics")
      .select(["id", "run_id", "metric_group", "steps_completed", "metrics"])
      .where("trial_id", "=", trialId)
      .where("metric_group", "in", ANY_GROUP)
      .where("hidden", "=", VISIBLE)
      .where("steps_completed", "in", chunk)
      .execute();
    for (const row of rows) {
      stored.set(stepKey(row.metric_group, row.steps_completed), {
        id: row.id,
        runId: row.run_id,
        metrics: decodeMetrics(row.metrics),
      });
    }
  }
  return stored;
}

export async function hideMetricsAfter(
  db: Db,
  trialId: number,
  runId: number,
  stepsCompleted: number,
  keepValidationsAt: readonly number[] = [],
): Promise<number> {
  let update = db
    .updateTable("metrics")
    .set({ hidden: HIDDEN })
    .where("trial_id", "=", trialId)
    .where("metric_group", "in", ANY_GROUP)
    .where("hidden", "=", VISIBLE)
    .where("run_id", "<", runId)
    .where("steps_completed", ">", stepsCompleted);
  if (keepValidationsAt.length > 0)
    update = update.where((eb) =>
      eb.or([
        eb("metric_group", "!=", "validation"),
        eb("steps_completed", "not in", [...keepValidationsAt]),
      ]),
    );
  const result = await update.executeTakeFirst();
  return count(result.numUpdatedRows);
}

export { listExperimentValidationValues, listMetricSizes, listMetrics } from "./metric-reads.js";
