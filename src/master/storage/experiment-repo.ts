/** Experiments: create, read, patch, and delete with everything they own. */
import { type Selectable, type SelectQueryBuilder, sql, type Updateable } from "kysely";
import type { ExperimentConfig } from "../../protocol/config/types.js";
import { keepOutlivedProcesses, toAllocation } from "./allocation-repo.js";
import { toCheckpoint } from "./checkpoint-repo.js";
import { type Db, fromBool, fromDateOrNull, toBool, toDate, toDateOrNull } from "./codec.js";
import { reusedQuery, updateById } from "./reused-query.js";
import type { Database, Dialect, ExperimentConfigsTable, ExperimentsTable } from "./schema.js";
import type {
  DeletedExperiment,
  ExperimentFilter,
  ExperimentRow,
  ExperimentState,
  ExperimentSummaryRow,
  Store,
} from "./store.js";

/** Trials named in one statement of `deleteTrialOutput`. */
const TRIALS_PER_DELETE = 500;

/** The columns a summary reads: all but the config, its YAML and the workdir. */
const SUMMARY_COLUMNS = [
  "id",
  "name",
  "state",
  "owner_id",
  "progress",
  "best_metric",
  "created_at",
  "ended_at",
  "end_reason",
  "searcher_name",
  "searcher_metric",
  "smaller_is_better",
  "resource_pool",
] as const;

type SummaryColumns = Pick<Selectable<ExperimentsTable>, (typeof SUMMARY_COLUMNS)[number]>;

function toSummary(row: SummaryColumns): ExperimentSummaryRow {
  return {
    id: row.id,
    name: row.name,
    state: row.state as ExperimentState,
    ownerId: row.owner_id,
    progress: row.progress,
    bestMetric: row.best_metric,
    createdAt: toDate(row.created_at),
    endedAt: toDateOrNull(row.ended_at),
    endReason: row.end_reason,
    searcherName: row.searcher_name,
    metric: row.searcher_metric,
    smallerIsBetter: toBool(row.smaller_is_better),
    resourcePool: row.resource_pool,
  };
}

function toExperiment(
  row: Selectable<ExperimentsTable> & Pick<ExperimentConfigsTable, "config" | "config_yaml">,
): ExperimentRow {
  return {
    ...toSummary(row),
    config: JSON.parse(row.config) as ExperimentConfig,
    configYaml: row.config_yaml,
    workdir: row.workdir,
  };
}

/** The columns of an experiment with `config` copied out of it. */
export function summaryColumns(
  config: ExperimentConfig,
): Pick<
  ExperimentsTable,
  "searcher_name" | "searcher_metric" | "smaller_is_better" | "resource_pool"
> {
  const { name, metric, smaller_is_better } = config.searcher;
  return {
    searcher_name: name,
    searcher_metric: metric,
    smaller_is_better: fromBool(smaller_is_better),
    resource_pool: config.resources.resource_pool ?? null,
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
      workdir: input.workdir,
      owner_id: input.ownerId,
      progress: 0,
      best_metric: null,
      last_event_seq: 0,
      created_at: now,
      ended_at: null,
      end_reason: null,
      ...summaryColumns(input.config),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const config = {
    experiment_id: row.id,
    config: JSON.stringify(input.config),
    config_yaml: input.configYaml,
  };
  await db.insertInto("experiment_configs").values(config).execute();
  return toExperiment({ ...row, ...config });
}

/** Experiments with their configs. */
const withConfigs = (db: Db) =>
  db
    .selectFrom("experiments")
    .innerJoin("experiment_configs", "experiment_configs.experiment_id", "experiments.id")
    .selectAll("experiments")
    .select(["experiment_configs.config", "experiment_configs.config_yaml"]);

/**
 * With `lockOn` "postgres", the experiment's row (not its config's) is locked
 * by the same statement, until the transaction ends.
 */
export async function getExperiment(
  db: Db,
  id: number,
  lockOn: Dialect | null = null,
): Promise<ExperimentRow | null> {
  const lock = lockOn === "postgres";
  const { rows } = await reusedQuery(
    db,
    lock ? "getLockedExperiment" : "getExperiment",
    [id],
    (id) => {
      const q = withConfigs(db).where("experiments.id", "=", id);
      return lock ? q.forNoKeyUpdate("experiments") : q;
    },
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

/** The experiments `filter` picks from `from` (experiments, maybe joined), in id order. */
function picked<Q extends SelectQueryBuilder<Database, "experiments", object>>(
  from: Q,
  filter: ExperimentFilter,
): Q | null {
  if (filter.states?.length === 0 || (filter.limit !== undefined && filter.limit <= 0)) return null;
  let query = from.orderBy("experiments.id") as Q;
  if (filter.states) query = query.where("experiments.state", "in", filter.states) as Q;
  if (filter.after !== undefined) query = query.where("experiments.id", ">", filter.after) as Q;
  if (filter.through !== undefined)
    query = query.where("experiments.id", "<=", filter.through) as Q;
  if (filter.limit !== undefined) query = query.limit(filter.limit) as Q;
  return query;
}

export async function listExperiments(
  db: Db,
  filter: ExperimentFilter = {},
): Promise<ExperimentRow[]> {
  const query = picked(withConfigs(db), filter);
  return query ? (await query.execute()).map(toExperiment) : [];
}

export async function listExperimentSummaries(
  db: Db,
  filter: ExperimentFilter,
): Promise<ExperimentSummaryRow[]> {
  const query = picked(db.selectFrom("experiments").select(SUMMARY_COLUMNS), filter);
  return query ? (await query.execute()).map(toSummary) : [];
}

/**
 * The ids and sizes (UTF-8 bytes of the text a summary shows: name, metric,
 * end reason) of the experiments `listExperimentSummaries` gives for the same
 * filter, without reading them: what a page is sized by before it is read.
 */
export async function listExperimentSummarySizes(
  db: Db,
  filter: ExperimentFilter,
): Promise<{ id: number; bytes: number }[]> {
  const query = picked(
    db
      .selectFrom("experiments")
      .select([
        "id",
        sql<number>`octet_length(name) + octet_length(searcher_metric) + coalesce(octet_length(end_reason), 0)`.as(
          "bytes",
        ),
      ]),
    filter,
  );
  const rows = query ? await query.execute() : [];
  return rows.map((r) => ({ id: Number(r.id), bytes: Number(r.bytes) }));
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
 * `Store.deleteTrialOutput`: whole trials' log lines and metric rows, by
 * the trials' own indexes, a few trials a statement (twice as many each
 * time). Not `LIMIT`ed parts of the rows: PostgreSQL walked every row a part
 * before had deleted again at every part (a 5,000-trial experiment took
 * minutes instead of seconds).
 */
export async function deleteTrialOutput(
  db: Db,
  id: number,
  limit: number,
  afterTrial: number,
): Promise<{ deleted: number; lastTrial: number | null }> {
  let deleted = 0;
  let lastTrial = afterTrial;
  for (let trials = 1; deleted < limit; trials = Math.min(trials * 2, TRIALS_PER_DELETE)) {
    const ids = (
      await db
        .selectFrom("trials")
        .select("id")
        .where("experiment_id", "=", id)
        .where("id", ">", lastTrial)
        .orderBy("id")
        .limit(trials)
        .execute()
    ).map((t) => t.id);
    if (ids.length === 0) return { deleted, lastTrial: null };
    for (const table of ["trial_logs", "metrics"] as const) {
      const { numDeletedRows } = await db
        .deleteFrom(table)
        .where("trial_id", "in", ids)
        .executeTakeFirst();
      deleted += Number(numDeletedRows);
    }
    lastTrial = ids.at(-1)!;
  }
  return { deleted, lastTrial };
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
  await keepOutlivedProcesses(db, id);
  await db.deleteFrom("allocations").where("experiment_id", "=", id).execute();
  await db.deleteFrom("trial_ops").where("trial_id", "in", trialIds).execute();
  await db.deleteFrom("trials").where("experiment_id", "=", id).execute();
  await db.deleteFrom("searcher_events").where("experiment_id", "=", id).execute();
  await db.deleteFrom("searcher_snapshots").where("experiment_id", "=", id).execute();
  await db.deleteFrom("experiment_configs").where("experiment_id", "=", id).execute();
  await db.deleteFrom("experiments").where("id", "=", id).execute();
  return { checkpoints: checkpoints.map(toCheckpoint), allocations: allocations.map(toAllocation) };
}
