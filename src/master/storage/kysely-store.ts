/**
 * `Store` on Kysely: one implementation for SQLite and PostgreSQL, since the
 * schema uses only portable types. Each method delegates to the repo of its
 * concept; this class adds transactions and the clock.
 */
import type { Kysely } from "kysely";
import type { ExperimentConfig } from "../../protocol/config/types.js";
import type { PostedOperation, RequestId, SearcherEvent } from "../../searcher/types.js";
import * as allocations from "./allocation-repo.js";
import * as checkpoints from "./checkpoint-repo.js";
import type { Db } from "./codec.js";
import { retryDeadlocks } from "./deadlock.js";
import * as experiments from "./experiment-repo.js";
import * as logs from "./log-repo.js";
import * as metrics from "./metric-repo.js";
import { inSavepoint } from "./savepoint.js";
import type { Database, Dialect } from "./schema.js";
import * as searcherEvents from "./searcher-event-repo.js";
import type {
  AllocationRow,
  AllocationStub,
  CheckpointFilter,
  CheckpointRow,
  CustomSearcherEventQuery,
  DeletedExperiment,
  ExperimentFilter,
  ExperimentRow,
  ExperimentSummaryRow,
  LogLine,
  LogQuery,
  MetricReportInput,
  MetricRow,
  MetricRowsQuery,
  MetricsAdded,
  Store,
  TrialFilter,
  TrialOpRow,
  TrialRow,
  TrialStub,
  UserActivation,
  UserRow,
  UserTokenRow,
  ValidationValue,
} from "./store.js";
import * as trialOps from "./trial-op-repo.js";
import * as trials from "./trial-repo.js";
import * as users from "./user-repo.js";

export interface KyselyStoreOptions {
  /** Source of every timestamp the store writes itself (`createdAt`). */
  now?: () => Date;
}

export class KyselyStore implements Store {
  readonly #db: Db;
  readonly #dialect: Dialect;
  readonly #now: () => Date;
  /** Set on the store handed to a `transaction` callback. */
  readonly #inTransaction: boolean;

  constructor(
    db: Kysely<Database>,
    dialect: Dialect,
    options: KyselyStoreOptions = {},
    inTransaction = false,
  ) {
    this.#db = db;
    this.#dialect = dialect;
    this.#now = options.now ?? (() => new Date());
    this.#inTransaction = inTransaction;
  }

  /**
   * A nested call is a savepoint of the open transaction: `fn` gets this
   * same store; if it throws, what it did is undone and the caller may catch
   * the error and go on, otherwise its writes commit or roll back with the
   * outermost transaction. Inside `fn` use only `tx`: on SQLite the outer
   * store waits for the one connection, which `fn` itself holds.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.#inTransaction) return inSavepoint(this.#db, () => fn(this));
    return this.#db
      .transaction()
      .execute((trx) => fn(new KyselyStore(trx, this.#dialect, { now: this.#now }, true)));
  }

  /** Makes a multi-statement method atomic on its own, or part of the open transaction. */
  #atomic<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    if (this.#inTransaction) return fn(this.#db);
    return this.#db.transaction().execute(fn);
  }

  #nowMs(): number {
    return this.#now().getTime();
  }

  async close(): Promise<void> {
    if (this.#inTransaction) throw new Error("close the store, not a transaction of it");
    await this.#db.destroy();
  }

  // users and tokens

  createUser(input: {
    username: string;
    passwordHash: string | null;
    admin: boolean;
  }): Promise<UserRow> {
    return users.createUser(this.#db, this.#nowMs(), input);
  }

  getUserByName(username: string): Promise<UserRow | null> {
    return users.getUserByName(this.#db, username);
  }

  getUser(id: number): Promise<UserRow | null> {
    return users.getUser(this.#db, id);
  }

  listUsers(): Promise<UserRow[]> {
    return users.listUsers(this.#db);
  }

  addUserToken(userId: number, tokenHash: string, expiresAt: Date | null): Promise<boolean> {
    return users.addUserToken(this.#db, this.#dialect, this.#nowMs(), userId, tokenHash, expiresAt);
  }

  findUserToken(tokenHash: string): Promise<UserTokenRow | null> {
    return users.findUserToken(this.#db, tokenHash);
  }

  revokeUserToken(tokenHash: string): Promise<boolean> {
    return users.revokeUserTokens(this.#db, this.#nowMs(), { tokenHash }).then((n) => n > 0);
  }

  revokeUserTokens(userId: number): Promise<number> {
    return users.revokeUserTokens(this.#db, this.#nowMs(), { userId });
  }

  setUserActive(userId: number, active: boolean): Promise<UserActivation> {
    const now = this.#nowMs();
    return this.#atomic((db) => users.setUserActive(db, this.#dialect, now, userId, active));
  }

  // experiments

  createExperiment(input: {
    name: string;
    config: ExperimentConfig;
    configYaml: string | null;
    workdir: string;
    ownerId: number;
  }): Promise<ExperimentRow> {
    const now = this.#nowMs();
    return this.#atomic((db) => experiments.createExperiment(db, now, input));
  }

  getExperiment(id: number, options?: { lock?: boolean }): Promise<ExperimentRow | null> {
    return experiments.getExperiment(this.#db, id, options?.lock ? this.#dialect : null);
  }

  listExperiments(filter?: ExperimentFilter): Promise<ExperimentRow[]> {
    return experiments.listExperiments(this.#db, filter);
  }

  listExperimentSummaries(filter: ExperimentFilter): Promise<ExperimentSummaryRow[]> {
    return experiments.listExperimentSummaries(this.#db, filter);
  }

  listExperimentSummarySizes(filter: ExperimentFilter): Promise<{ id: number; bytes: number }[]> {
    return experiments.listExperimentSummarySizes(this.#db, filter);
  }

  getSearcherSnapshot(experimentId: number): Promise<{ snapshot: string; seq: number } | null> {
    return experiments.getSearcherSnapshot(this.#db, experimentId);
  }

  putSearcherSnapshot(experimentId: number, seq: number, snapshot: string): Promise<void> {
    return experiments.putSearcherSnapshot(this.#db, experimentId, seq, snapshot);
  }

  updateExperiment(id: number, patch: Parameters<Store["updateExperiment"]>[1]): Promise<void> {
    return experiments.updateExperiment(this.#db, id, patch);
  }

  deleteExperiment(id: number): Promise<DeletedExperiment> {
    const once = () => this.#atomic((db) => experiments.deleteExperiment(db, this.#dialect, id));
    // On PostgreSQL the delete's row locks can deadlock with a write still naming the
    // experiment's trials (a log flush of several trials); PostgreSQL then aborts one
    // of the two. A delete in a transaction of its own is tried again.
    return this.#inTransaction ? once() : retryDeadlocks(once, 5);
  }

  deleteTrialOutput(...args: Parameters<Store["deleteTrialOutput"]>) {
    return experiments.deleteTrialOutput(this.#db, ...args);
  }

  // the searcher event log

  appendSearcherEvent(experimentId: number, event: SearcherEvent): Promise<number> {
    const now = this.#nowMs();
    return this.#atomic((db) => searcherEvents.appendSearcherEvent(db, now, experimentId, event));
  }

  listSearcherEvents(
    experimentId: number,
    afterSeq?: number,
    limit?: number,
  ): Promise<{ seq: number; event: SearcherEvent }[]> {
    return searcherEvents.listSearcherEvents(this.#db, experimentId, afterSeq, limit);
  }

  listSearcherAnswers(
    experimentId: number,
    fromSeq: number,
    toSeq: number,
  ): Promise<{ answers: number; operations: PostedOperation[] }[]> {
    return searcherEvents.listSearcherAnswers(this.#db, experimentId, fromSeq, toSeq);
  }

  listCustomSearcherEvents(query: CustomSearcherEventQuery) {
    return searcherEvents.listCustomSearcherEvents(this.#db, query);
  }

  listCustomSearcherEventSizes(query: CustomSearcherEventQuery) {
    return searcherEvents.listCustomSearcherEventSizes(this.#db, query);
  }

  // trials

  createTrial(input: Parameters<Store["createTrial"]>[0]): Promise<TrialRow> {
    return trials.createTrial(this.#db, this.#nowMs(), input);
  }

  getTrial(id: number): Promise<TrialRow | null> {
    return trials.getTrial(this.#db, id);
  }

  getTrialByRequestId(experimentId: number, requestId: RequestId): Promise<TrialRow | null> {
    return trials.getTrialByRequestId(this.#db, experimentId, requestId);
  }

  listTrials(filter: TrialFilter): Promise<TrialRow[]> {
    return trials.listTrials(this.#db, filter);
  }

  listTrialSizes(filter: TrialFilter): Promise<{ id: number; bytes: number }[]> {
    return trials.listTrialSizes(this.#db, filter);
  }

  listTrialStubs(filter: TrialFilter): Promise<TrialStub[]> {
    return trials.listTrialStubs(this.#db, filter);
  }

  listTrialStartCheckpoints(experimentId: number): Promise<string[]> {
    return trials.listTrialStartCheckpoints(this.#db, experimentId);
  }

  countTrials(experimentIds: readonly number[]): Promise<Map<number, Record<string, number>>> {
    return trials.countTrials(this.#db, experimentIds);
  }

  updateTrial(id: number, patch: Parameters<Store["updateTrial"]>[1]): Promise<void> {
    return trials.updateTrial(this.#db, id, patch);
  }

  offerBestValidation(trialId: number, value: number, smallerIsBetter: boolean): Promise<void> {
    return this.#atomic((db) => trials.offerBestValidation(db, trialId, value, smallerIsBetter));
  }

  // trial operations

  addTrialOp(trialId: number, length: number): Promise<TrialOpRow> {
    return this.#atomic((db) => trialOps.addTrialOp(db, trialId, length));
  }

  getNextTrialOp(trialId: number): Promise<TrialOpRow | null> {
    return trialOps.getNextTrialOp(this.#db, trialId);
  }

  listNextTrialOps(experimentId: number): Promise<TrialOpRow[]> {
    return trialOps.listNextTrialOps(this.#db, experimentId);
  }

  listTrialOps(trialId: number): Promise<TrialOpRow[]> {
    return trialOps.listTrialOps(this.#db, trialId);
  }

  completeTrialOp(trialId: number, seq: number, searcherMetric: number): Promise<void> {
    return trialOps.completeTrialOp(this.#db, trialId, seq, searcherMetric);
  }

  // allocations

  createAllocation(input: Parameters<Store["createAllocation"]>[0]): Promise<AllocationRow> {
    return allocations.createAllocation(this.#db, this.#nowMs(), input);
  }

  getAllocation(id: string): Promise<AllocationRow | null> {
    return allocations.getAllocation(this.#db, id);
  }

  listLiveAllocations(filter?: {
    trialId?: number;
    experimentId?: number;
  }): Promise<AllocationRow[]> {
    return allocations.listLiveAllocations(this.#db, filter);
  }

  listLiveAllocationStubs(): Promise<AllocationStub[]> {
    return allocations.listLiveAllocationStubs(this.#db);
  }

  listAllocations(trialId: number): Promise<AllocationRow[]> {
    return allocations.listAllocationsOfTrials(this.#db, [trialId]);
  }

  listAllocationsOfTrials(trialIds: readonly number[]): Promise<AllocationRow[]> {
    return allocations.listAllocationsOfTrials(this.#db, trialIds);
  }

  listLingeringAllocations(): Promise<AllocationRow[]> {
    return allocations.listLingeringAllocations(this.#db);
  }

  updateAllocation(id: string, patch: Parameters<Store["updateAllocation"]>[1]): Promise<void> {
    return allocations.updateAllocation(this.#db, id, patch);
  }

  // metrics

  addMetrics(trialId: number, runId: number, reports: MetricReportInput[]): Promise<MetricsAdded> {
    return metrics.addMetrics(
      this.#db,
      this.#dialect,
      this.#inTransaction,
      trialId,
      runId,
      reports,
    );
  }

  hideMetricsAfter(...args: Parameters<Store["hideMetricsAfter"]>): Promise<number> {
    return metrics.hideMetricsAfter(this.#db, ...args);
  }

  listMetrics(query: MetricRowsQuery): Promise<MetricRow[]> {
    return metrics.listMetrics(this.#db, query);
  }

  listMetricSizes(query: MetricRowsQuery): Promise<{ id: number; bytes: number }[]> {
    return metrics.listMetricSizes(this.#db, query);
  }

  listExperimentValidationValues(
    query: Parameters<Store["listExperimentValidationValues"]>[0],
  ): Promise<ValidationValue[]> {
    return metrics.listExperimentValidationValues(this.#db, this.#dialect, query);
  }

  // checkpoints

  addCheckpoint(
    input: Omit<CheckpointRow, "state" | "createdAt" | "sizeBytes">,
  ): Promise<CheckpointRow> {
    return checkpoints.addCheckpoint(this.#db, this.#nowMs(), input);
  }

  getCheckpoint(uuid: string): Promise<CheckpointRow | null> {
    return checkpoints.getCheckpoint(this.#db, uuid);
  }

  listCheckpoints(filter: CheckpointFilter): Promise<CheckpointRow[]> {
    return checkpoints.listCheckpoints(this.#db, filter);
  }

  listCheckpointSizes(filter: CheckpointFilter): Promise<{ id: number; bytes: number }[]> {
    return checkpoints.listCheckpointSizes(this.#db, filter);
  }

  markCheckpointsDeleted(uuids: string[]): Promise<void> {
    if (uuids.length === 0) return Promise.resolve();
    return this.#atomic((db) => checkpoints.markCheckpointsDeleted(db, uuids));
  }

  // logs

  addLogs(lines: Omit<LogLine, "id">[]): Promise<void> {
    if (lines.length === 0) return Promise.resolve();
    return this.#atomic((db) => logs.addLogs(db, lines));
  }

  listLogs(query: LogQuery): Promise<LogLine[]> {
    return logs.listLogs(this.#db, query);
  }

  listLogSizes(query: LogQuery): Promise<{ id: number; bytes: number }[]> {
    return logs.listLogSizes(this.#db, query);
  }
}
