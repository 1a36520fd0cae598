/**
 * Reading metrics: a trial's series and an experiment's validations, visible
 * rows only (a restarted run's predecessors' rows past its checkpoint are
 * hidden, see metric-repo.ts), in id order.
 */
import { type Selectable, sql } from "kysely";
import { type Db, decodeMetrics, toDate } from "./codec.js";
import { notForIndex } from "./index-choice.js";
import type { Dialect, IntBool, MetricsTable } from "./schema.js";
import type { MetricGroup, MetricRow, MetricRowsQuery, ValidationValue } from "./store.js";

export const VISIBLE = sql.lit<IntBool>(0);
export const GROUPS: readonly MetricGroup[] = ["training", "validation"];
/**
 * `metric_group IN ('training', 'validation')`: always true, but it lets a
 * lookup by step use the unique index of visible steps instead of scanning
 * every row of the trial.
 */
export const ANY_GROUP = GROUPS.map((g) => sql.lit(g));

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

/** The visible rows of `query` in id order, with the columns still to choose. */
function visibleRows(db: Db, query: MetricRowsQuery) {
  let select = db.selectFrom("metrics");
  if ("experimentId" in query) {
    select = select
      .where("experiment_id", "=", query.experimentId)
      .where("metric_group", "=", sql.lit<MetricGroup>("validation"));
  } else {
    select = select.where("trial_id", "=", query.trialId);
    if (query.group !== undefined) {
      if (!GROUPS.includes(query.group)) throw new TypeError(`unknown metric group ${query.group}`);
      // A literal, so a validation query can use the partial index of validations.
      select = select.where("metric_group", "=", sql.lit(query.group));
    }
  }
  select = select.where("hidden", "=", VISIBLE);
  if (query.after !== undefined) select = select.where("id", ">", query.after);
  if (query.through !== undefined) select = select.where("id", "<=", query.through);
  return select.orderBy("id").limit(query.limit);
}

export async function listMetrics(db: Db, query: MetricRowsQuery): Promise<MetricRow[]> {
  if (query.limit <= 0) return [];
  const rows = await visibleRows(db, query).select(metricColumns).execute();
  return rows.map(toMetric);
}

/**
 * The ids and sizes (UTF-8 bytes of the stored values) of the rows
 * `listMetrics` gives for the same query, in the same order, without reading
 * the values: what a reader sizes a page by before it reads it.
 */
export async function listMetricSizes(
  db: Db,
  query: MetricRowsQuery,
): Promise<{ id: number; bytes: number }[]> {
  if (query.limit <= 0) return [];
  const rows = await visibleRows(db, query)
    .select((eb) => ["id", eb.fn<number>("octet_length", ["metrics"]).as("bytes")])
    .execute();
  return rows.map((r) => ({ id: Number(r.id), bytes: Number(r.bytes) }));
}

/**
 * One metric of every visible validation row of an experiment, id > after:
 * just the numbers a chart needs, extracted by the database, so a page of a
 * hundred thousand points is not a hundred thousand JSON parses.
 */
export async function listExperimentValidationValues(
  db: Db,
  dialect: Dialect,
  query: {
    experimentId: number;
    metric: string;
    trialIds?: readonly number[];
    after?: number;
    limit: number;
  },
): Promise<ValidationValue[]> {
  if (query.limit <= 0 || query.trialIds?.length === 0) return [];
  const value =
    dialect === "sqlite"
      ? sql<unknown>`json_extract(metrics, ${`$."${query.metric.replace(/["\\]/g, (c) => `\\${c}`)}"`})`
      : sql<unknown>`(metrics::json ->> ${query.metric})`;
  let select = db
    .selectFrom("metrics")
    .select(["id", "trial_id", "run_id", "steps_completed", "report_time", value.as("value")])
    // A few trials' rows by their own index, not by the experiment's (all its validations).
    .where(
      query.trialIds ? notForIndex<number>("experiment_id") : sql.ref("experiment_id"),
      "=",
      query.experimentId,
    )
    .where("metric_group", "=", sql.lit<MetricGroup>("validation"))
    .where("hidden", "=", VISIBLE);
  if (query.after !== undefined) select = select.where("id", ">", query.after);
  if (query.trialIds) select = select.where("trial_id", "in", query.trialIds);
  const rows = await select.orderBy("id").limit(query.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    trialId: r.trial_id,
    runId: r.run_id,
    stepsCompleted: r.steps_completed,
    value: r.value === null || r.value === undefined ? null : Number(r.value),
    reportTime: Number(r.report_time),
  }));
}
