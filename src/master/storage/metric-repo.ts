/**
 * Training and validation metrics: the hot path of the master. A push of N
 * reports is one multi-row INSERT … ON CONFLICT DO NOTHING on the unique
 * index of visible rows; only reports that did not insert are read back and
 * compared, so the common case (all new) costs one statement.
 */
import { type Selectable, sql } from "kysely";
import {
  chunks,
  count,
  type Db,
  decodeMetrics,
  encodeMetrics,
  fromDate,
  sameMetrics,
  toDate,
} from "./codec.js";
import type { IntBool, MetricsTable } from "./schema.js";
import type { MetricConflict, MetricGroup, MetricReportInput, MetricRow } from "./store.js";

/** 9 parameters a row: 9,000 a statement, far below either dialect's limit. */
const INSERT_CHUNK = 1000;
/** Keys per lookup of stored rows. */
const LOOKUP_CHUNK = 500;

const VISIBLE = sql.lit<IntBool>(0);
const HIDDEN = sql.lit<IntBool>(1);

const metricColumns = [
  "id",
  "trial_id",
  "run_id",
  "metric_group",
  "steps_completed",
  "metrics",
  "report_time",
] as const;

type MetricSelect = Pick<Selectable<MetricsTable>, (typeof metricColumns)[number]>;

function toMetric(row: MetricSelect): MetricRow {
  return {
    id: row.id,
    trialId: row.trial_id,
    runId: row.run_id,
    group: row.metric_group as MetricGroup,
    stepsCompleted: row.steps_completed,
    metrics: decodeMetrics(row.metrics),
    reportTime: toDate(row.report_time),
  };
}

function stepKey(group: string, stepsCompleted: number): string {
  return `${group}:${stepsCompleted}`;
}

/**
 * Runs inside the caller's transaction. On a conflict the rows this call
 * inserted are deleted again before it returns, so nothing of the batch stays
 * even when the caller's transaction goes on and commits.
 */
export async function addMetrics(
  db: Db,
  trialId: number,
  runId: number,
  reports: MetricReportInput[],
): Promise<{ inserted: number; conflicts: MetricConflict[] }> {
  if (reports.length === 0) return { inserted: 0, conflicts: [] };
  const trial = await db
    .selectFrom("trials")
    .select("experiment_id")
    .where("id", "=", trialId)
    .executeTakeFirst();
  if (!trial) throw new Error(`trial ${trialId} not found`);

  const rows = reports.map((report) => ({
    trial_id: trialId,
    experiment_id: trial.experiment_id,
    run_id: runId,
    metric_group: report.group,
    steps_completed: report.stepsCompleted,
    metrics: encodeMetrics(report.metrics),
    report_time: fromDate(report.reportTime),
    hidden: VISIBLE,
  }));
  const inserted: { id: number; metric_group: string; steps_completed: number }[] = [];
  for (const chunk of chunks(rows, INSERT_CHUNK)) {
    const returned = await db
      .insertInto("metrics")
      .values(chunk)
      .onConflict((oc) =>
        oc
          .columns(["trial_id", "metric_group", "steps_completed"])
          .where("hidden", "=", VISIBLE)
          .doNothing(),
      )
      .returning(["id", "metric_group", "steps_completed"])
      .execute();
    inserted.push(...returned);
  }
  if (inserted.length === reports.length) return { inserted: inserted.length, conflicts: [] };

  // Some reports hit a visible row (stored earlier, or earlier in this very
  // batch). Each is an identical repeat (a no-op) or a conflict.
  const insertedKeys = new Set(inserted.map((r) => stepKey(r.metric_group, r.steps_completed)));
  const notInserted = reports.filter((r) => {
    const key = stepKey(r.group, r.stepsCompleted);
    if (insertedKeys.has(key)) {
      // The first report of a step in this batch inserted; later ones with the same key did not.
      insertedKeys.delete(key);
      return false;
    }
    return true;
  });
  const stored = await storedVisible(db, trialId, notInserted);
  const conflicts: MetricConflict[] = [];
  for (const report of notInserted) {
    const current = stored.get(stepKey(report.group, report.stepsCompleted));
    if (current && !sameMetrics(current, report.metrics)) {
      conflicts.push({
        group: report.group,
        stepsCompleted: report.stepsCompleted,
        stored: current,
        reported: report.metrics,
      });
    }
  }
  if (conflicts.length === 0) return { inserted: inserted.length, conflicts };
  for (const ids of chunks(
    inserted.map((r) => r.id),
    LOOKUP_CHUNK,
  )) {
    await db.deleteFrom("metrics").where("id", "in", ids).execute();
  }
  return { inserted: 0, conflicts };
}

/** The visible stored metrics at the reports' steps, by `stepKey`. */
async function storedVisible(
  db: Db,
  trialId: number,
  reports: MetricReportInput[],
): Promise<Map<string, Record<string, number>>> {
  const stored = new Map<string, Record<string, number>>();
  const steps = [...new Set(reports.map((r) => r.stepsCompleted))];
  for (const chunk of chunks(steps, LOOKUP_CHUNK)) {
    const rows = await db
      .selectFrom("metrics")
      .select(["metric_group", "steps_completed", "metrics"])
      .where("trial_id", "=", trialId)
      .where("hidden", "=", VISIBLE)
      .where("steps_completed", "in", chunk)
      .execute();
    for (const row of rows) {
      stored.set(stepKey(row.metric_group, row.steps_completed), decodeMetrics(row.metrics));
    }
  }
  return stored;
}

export async function hideMetricsAfter(
  db: Db,
  trialId: number,
  runId: number,
  stepsCompleted: number,
): Promise<number> {
  const result = await db
    .updateTable("metrics")
    .set({ hidden: HIDDEN })
    .where("trial_id", "=", trialId)
    .where("hidden", "=", VISIBLE)
    .where("run_id", "<", runId)
    .where("steps_completed", ">", stepsCompleted)
    .executeTakeFirst();
  return count(result.numUpdatedRows);
}

export async function listMetrics(
  db: Db,
  query: { trialId: number; group?: MetricGroup; after?: number; limit: number },
): Promise<MetricRow[]> {
  if (query.limit <= 0) return [];
  let select = db
    .selectFrom("metrics")
    .select(metricColumns)
    .where("trial_id", "=", query.trialId)
    .where("hidden", "=", VISIBLE);
  if (query.group !== undefined) select = select.where("metric_group", "=", query.group);
  if (query.after !== undefined) select = select.where("id", ">", query.after);
  const rows = await select.orderBy("id").limit(query.limit).execute();
  return rows.map(toMetric);
}

export async function listExperimentValidations(
  db: Db,
  query: { experimentId: number; after?: number; limit: number },
): Promise<MetricRow[]> {
  if (query.limit <= 0) return [];
  let select = db
    .selectFrom("metrics")
    .select(metricColumns)
    .where("experiment_id", "=", query.experimentId)
    // Literals, so both dialects use the partial index of validation rows.
    .where("metric_group", "=", sql.lit<MetricGroup>("validation"))
    .where("hidden", "=", VISIBLE);
  if (query.after !== undefined) select = select.where("id", ">", query.after);
  const rows = await select.orderBy("id").limit(query.limit).execute();
  return rows.map(toMetric);
}
