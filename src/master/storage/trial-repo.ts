/** Trials: one per searcher `create`, named by (experiment, requestId). */
import type { Selectable, Updateable } from "kysely";
import type { HParams } from "../../protocol/config/types.js";
import type { RequestId } from "../../searcher/types.js";
import {
  type Db,
  fromBool,
  fromDateOrNull,
  inParts,
  toBool,
  toDate,
  toDateOrNull,
} from "./codec.js";
import { reusedQuery, updateById } from "./reused-query.js";
import type { TrialsTable } from "./schema.js";
import type { Store, TrialFilter, TrialRow, TrialState, TrialStub } from "./store.js";

function toTrial(row: Selectable<TrialsTable>): TrialRow {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    requestId: row.request_id,
    state: row.state as TrialState,
    hparams: JSON.parse(row.hparams) as HParams,
    trialSeed: row.trial_seed,
    restarts: row.restarts,
    runId: row.run_id,
    closeRequested: toBool(row.close_requested),
    completedLength: row.completed_length,
    lengthTrained: row.length_trained,
    latestCheckpointUuid: row.latest_checkpoint_uuid,
    parentTrialId: row.parent_trial_id,
    warmStartCheckpointUuid: row.warm_start_checkpoint_uuid,
    latestValidation: row.latest_validation,
    bestValidation: row.best_validation,
    createdAt: toDate(row.created_at),
    endedAt: toDateOrNull(row.ended_at),
    endReason: row.end_reason,
  };
}

export async function createTrial(
  db: Db,
  now: number,
  input: Parameters<Store["createTrial"]>[0],
): Promise<TrialRow> {
  const row = await db
    .insertInto("trials")
    .values({
      experiment_id: input.experimentId,
      request_id: input.requestId,
      state: "ACTIVE" satisfies TrialState,
      hparams: JSON.stringify(input.hparams),
      trial_seed: input.trialSeed,
      restarts: 0,
      run_id: 0,
      close_requested: 0,
      completed_length: 0,
      length_trained: 0,
      latest_checkpoint_uuid: input.warmStart?.checkpointUuid ?? null,
      parent_trial_id: input.warmStart?.parentTrialId ?? null,
      warm_start_checkpoint_uuid: input.warmStart?.checkpointUuid ?? null,
      latest_validation: null,
      best_validation: null,
      last_op_seq: 0,
      created_at: now,
      ended_at: null,
      end_reason: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toTrial(row);
}

export async function getTrial(db: Db, id: number): Promise<TrialRow | null> {
  const { rows } = await reusedQuery(db, "getTrial", [id], (id) =>
    db.selectFrom("trials").selectAll().where("id", "=", id),
  );
  return rows[0] ? toTrial(rows[0]) : null;
}

export async function getTrialByRequestId(
  db: Db,
  experimentId: number,
  requestId: RequestId,
): Promise<TrialRow | null> {
  const { rows } = await reusedQuery(
    db,
    "getTrialByRequestId",
    [experimentId, requestId],
    (experimentId, requestId) =>
      db
        .selectFrom("trials")
        .selectAll()
        .where("experiment_id", "=", experimentId)
        .where("request_id", "=", requestId),
  );
  return rows[0] ? toTrial(rows[0]) : null;
}

const trialsOf = (db: Db, experimentId: number) =>
  db.selectFrom("trials").where("experiment_id", "=", experimentId);

/** The trials `filter` picks, their rows as `select` reads them, in creation order. */
async function selectTrials<R extends { id: number }>(
  db: Db,
  filter: TrialFilter,
  select: (query: ReturnType<typeof trialsOf>) => { execute(): Promise<R[]> },
): Promise<R[]> {
  const { limit } = filter;
  if (limit !== undefined && limit <= 0) return [];
  let query = trialsOf(db, filter.experimentId);
  if (filter.states) {
    if (filter.states.length === 0) return [];
    query = query.where("state", "in", filter.states);
  }
  if (filter.after !== undefined) query = query.where("id", ">", filter.after);
  if (filter.through !== undefined) query = query.where("id", "<=", filter.through);
  if (filter.ids) {
    const rows = await inParts(filter.ids, (part) =>
      select(query.where("id", "in", part)).execute(),
    );
    return rows.sort((a, b) => a.id - b.id).slice(0, limit);
  }
  const ordered = query.orderBy("id");
  return select(limit === undefined ? ordered : ordered.limit(limit)).execute();
}

/** In creation order (which is requestId order for one searcher). */
export async function listTrials(db: Db, filter: TrialFilter): Promise<TrialRow[]> {
  return (await selectTrials(db, filter, (q) => q.selectAll())).map(toTrial);
}

/**
 * The ids and sizes (UTF-8 bytes of the stored hyperparameters, JSON text) of
 * the trials `listTrials` gives for the same filter, in the same order,
 * without reading them: what a reader sizes a page of trials by before it
 * reads it (a `const` hyperparameter can be hundreds of KB).
 */
export async function listTrialSizes(
  db: Db,
  filter: TrialFilter,
): Promise<{ id: number; bytes: number }[]> {
  const rows = await selectTrials(db, filter, (q) =>
    q.select((eb) => ["id", eb.fn<number>("octet_length", ["hparams"]).as("bytes")]),
  );
  return rows.map((r) => ({ id: Number(r.id), bytes: Number(r.bytes) }));
}

export async function listTrialStubs(db: Db, filter: TrialFilter): Promise<TrialStub[]> {
  const rows = await selectTrials(db, filter, (q) =>
    q.select(["id", "experiment_id", "request_id", "close_requested"]),
  );
  return rows.map((row) => ({
    id: row.id,
    experimentId: row.experiment_id,
    requestId: row.request_id,
    closeRequested: toBool(row.close_requested),
  }));
}

/** Two columns of each trial: nothing of its hyperparameters is read. */
export async function listTrialStartCheckpoints(db: Db, experimentId: number): Promise<string[]> {
  const rows = await trialsOf(db, experimentId)
    .select("latest_checkpoint_uuid as uuid")
    .where("latest_checkpoint_uuid", "is not", null)
    .union(
      trialsOf(db, experimentId)
        .select("warm_start_checkpoint_uuid as uuid")
        .where("warm_start_checkpoint_uuid", "is not", null),
    )
    .execute();
  return rows.map((r) => r.uuid!);
}

export async function countTrials(
  db: Db,
  experimentIds: readonly number[],
): Promise<Map<number, Record<string, number>>> {
  const rows = await inParts(experimentIds, (part) =>
    db
      .selectFrom("trials")
      .select(["experiment_id", "state", (eb) => eb.fn.countAll<number>().as("count")])
      .where("experiment_id", "in", part)
      .groupBy(["experiment_id", "state"])
      .execute(),
  );
  const out = new Map<number, Record<string, number>>();
  for (const row of rows) {
    const counts = out.get(row.experiment_id) ?? {};
    counts[row.state] = row.count; // PostgreSQL's bigint count is read as a number (open-store.ts)
    out.set(row.experiment_id, counts);
  }
  return out;
}

export async function updateTrial(
  db: Db,
  id: number,
  patch: Parameters<Store["updateTrial"]>[1],
): Promise<void> {
  const set: Updateable<TrialsTable> = {};
  if (patch.state !== undefined) set.state = patch.state;
  if (patch.restarts !== undefined) set.restarts = patch.restarts;
  if (patch.runId !== undefined) set.run_id = patch.runId;
  if (patch.closeRequested !== undefined) set.close_requested = fromBool(patch.closeRequested);
  if (patch.completedLength !== undefined) set.completed_length = patch.completedLength;
  if (patch.lengthTrained !== undefined) set.length_trained = patch.lengthTrained;
  if (patch.latestCheckpointUuid !== undefined) {
    set.latest_checkpoint_uuid = patch.latestCheckpointUuid;
  }
  if (patch.latestValidation !== undefined) set.latest_validation = patch.latestValidation;
  if (patch.bestValidation !== undefined) set.best_validation = patch.bestValidation;
  if (patch.endedAt !== undefined) set.ended_at = fromDateOrNull(patch.endedAt);
  if (patch.endReason !== undefined) set.end_reason = patch.endReason;
  await updateById(db, "trials", id, set);
}

/**
 * Sets the trial's best validation and its experiment's best metric to
 * `value` where it is better. The comparison is in each UPDATE's WHERE, which
 * PostgreSQL evaluates again on the row a concurrent writer committed: of two
 * offers at once, the worse one finds nothing to change whichever goes first.
 * The experiment's row is written before the trial's, in the order a pause or
 * an activate writes them: a push that offers a validation without the
 * experiment's lock never holds a trial's row while it waits for its
 * experiment's, so the two never deadlock.
 */
export async function offerBestValidation(
  db: Db,
  trialId: number,
  value: number,
  smallerIsBetter: boolean,
): Promise<void> {
  const worse = smallerIsBetter ? ">" : "<";
  await db
    .updateTable("experiments")
    .set({ best_metric: value })
    .where("id", "=", (eb) =>
      eb.selectFrom("trials").select("experiment_id").where("id", "=", trialId),
    )
    .where((eb) => eb.or([eb("best_metric", "is", null), eb("best_metric", worse, value)]))
    .execute();
  await db
    .updateTable("trials")
    .set({ best_validation: value })
    .where("id", "=", trialId)
    .where((eb) => eb.or([eb("best_validation", "is", null), eb("best_validation", worse, value)]))
    .execute();
}
