/**
 * The one storage interface of the master (DESIGN §7). SQLite and PostgreSQL
 * implement it and pass one conformance suite. Every method that changes more
 * than one row is atomic on its own; callers that need several changes to land
 * together (a state change and the searcher event reporting it) use
 * `transaction`, whose callback gets a Store bound to the transaction.
 */

import type { ExperimentConfig, HParams } from "../../protocol/config/types.js";
import type { PostedOperation, RequestId, SearcherEvent } from "../../searcher/types.js";
import type {
  AllocationRow,
  AllocationStub,
  CheckpointFilter,
  CheckpointRow,
  CustomSearcherEventQuery,
  CustomSearcherEventRow,
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
  TrialFilter,
  TrialOpRow,
  TrialRow,
  TrialStub,
  UserActivation,
  UserRow,
  UserTokenRow,
  ValidationValue,
} from "./rows.js";

export type * from "./rows.js";

export interface Store {
  /**
   * Runs `fn` in one transaction; everything it does through `tx` commits or
   * rolls back together. Called on a transaction's store, it is a nested
   * transaction: when `fn` throws, what it did is undone and the open
   * transaction can go on.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;

  // users and tokens
  createUser(input: {
    username: string;
    passwordHash: string | null;
    admin: boolean;
  }): Promise<UserRow>;
  getUserByName(username: string): Promise<UserRow | null>;
  getUser(id: number): Promise<UserRow | null>;
  /** Every user, in the order they were created. */
  listUsers(): Promise<UserRow[]>;
  /**
   * Stores a token's hash; `expiresAt` null: it never expires (it may still be
   * revoked). False, storing nothing, when the user is unknown or deactivated.
   */
  addUserToken(userId: number, tokenHash: string, expiresAt: Date | null): Promise<boolean>;
  /** A token by its sha256 hex, with its user, whether or not it still works. */
  findUserToken(tokenHash: string): Promise<UserTokenRow | null>;
  /** Revokes one token; false when there is no such token or it was revoked already. */
  revokeUserToken(tokenHash: string): Promise<boolean>;
  /** Revokes every token of a user that is not revoked yet; returns how many. */
  revokeUserTokens(userId: number): Promise<number>;
  /**
   * Deactivates a user (stamps `deactivatedAt`, revokes all their tokens) or
   * activates them again, in one transaction; idempotent. Deactivating the
   * only active admin is refused.
   */
  setUserActive(userId: number, active: boolean): Promise<UserActivation>;

  // experiments
  createExperiment(input: {
    name: string;
    config: ExperimentConfig;
    configYaml: string | null;
    workdir: string;
    ownerId: number;
  }): Promise<ExperimentRow>;
  /**
   * With `lock`, inside a transaction: the experiment's row is locked until
   * the transaction ends (on PostgreSQL; SQLite runs one writer at a time).
   * An experiment's transactions take it before they write any of its
   * trials' rows, as a validation push does (`offerBestValidation`), so
   * that the two never wait for each other's rows in turn.
   */
  getExperiment(id: number, options?: { lock?: boolean }): Promise<ExperimentRow | null>;
  /** In id order. */
  listExperiments(filter?: ExperimentFilter): Promise<ExperimentRow[]>;
  /** `listExperiments` without configs: what a list of experiments shows (`ExperimentSummaryRow`). */
  listExperimentSummaries(filter: ExperimentFilter): Promise<ExperimentSummaryRow[]>;
  /** The ids and sizes (UTF-8 bytes of name, metric and end reason) of the experiments `listExperimentSummaries` gives. */
  listExperimentSummarySizes(filter: ExperimentFilter): Promise<{ id: number; bytes: number }[]>;
  updateExperiment(
    id: number,
    patch: Partial<
      Pick<ExperimentRow, "state" | "progress" | "bestMetric" | "endedAt" | "endReason">
    >,
  ): Promise<void>;
  /** The latest searcher snapshot and how many events it covers, or null when none was taken. */
  getSearcherSnapshot(experimentId: number): Promise<{ snapshot: string; seq: number } | null>;
  /**
   * Keeps `snapshot`, the searcher's state after the experiment's first `seq`
   * events, in place of the one before (a shortcut: the event log is the truth).
   */
  putSearcherSnapshot(experimentId: number, seq: number, snapshot: string): Promise<void>;
  /** Deletes the experiment and every row that belongs to it; returns what has files elsewhere. */
  deleteExperiment(id: number): Promise<DeletedExperiment>;
  /**
   * Deletes the metric rows and log lines of experiment `id`'s trials with
   * ids past `afterTrial`, whole trials in id order, until at least `limit`
   * rows are gone or no trial is left; returns how many, and the last trial
   * done (null when none is left). The bulk of what `deleteExperiment`
   * deletes, taken beforehand in parts, so that deleting a big experiment
   * leaves the database to other requests between them.
   */
  deleteTrialOutput(
    id: number,
    limit: number,
    afterTrial: number,
  ): Promise<{ deleted: number; lastTrial: number | null }>;

  // the searcher event log: seq is 1, 2, 3 … per experiment, gapless
  appendSearcherEvent(experimentId: number, event: SearcherEvent): Promise<number>;
  /** Events with seq > afterSeq, in order; the first `limit` of them when it is given. */
  listSearcherEvents(
    experimentId: number,
    afterSeq?: number,
    limit?: number,
  ): Promise<{ seq: number; event: SearcherEvent }[]>;
  /**
   * The operations a custom searcher posted in answer to the events fromSeq …
   * toSeq, by the event each answers (at most one each), in that order.
   */
  listSearcherAnswers(
    experimentId: number,
    fromSeq: number,
    toSeq: number,
  ): Promise<{ answers: number; operations: PostedOperation[] }[]>;
  /**
   * The events a custom search process reads — every event but the
   * operations it posted — that `query` picks, in order, each with the
   * operations posted in answer to it.
   */
  listCustomSearcherEvents(query: CustomSearcherEventQuery): Promise<CustomSearcherEventRow[]>;
  /** The seqs and sizes (UTF-8 bytes of each event and its answer) of what `listCustomSearcherEvents` gives. */
  listCustomSearcherEventSizes(
    query: CustomSearcherEventQuery,
  ): Promise<{ id: number; bytes: number }[]>;

  // trials
  createTrial(input: {
    experimentId: number;
    requestId: RequestId;
    hparams: HParams;
    trialSeed: number;
    /** A warm start: the parent trial and its checkpoint, which is also the trial's latest. */
    warmStart?: { parentTrialId: number; checkpointUuid: string | null };
  }): Promise<TrialRow>;
  getTrial(id: number): Promise<TrialRow | null>;
  getTrialByRequestId(experimentId: number, requestId: RequestId): Promise<TrialRow | null>;
  listTrials(filter: TrialFilter): Promise<TrialRow[]>;
  /** The ids and sizes (UTF-8 bytes of the hyperparameters) of the trials `listTrials` gives for the same filter. */
  listTrialSizes(filter: TrialFilter): Promise<{ id: number; bytes: number }[]>;
  /**
   * `listTrials` with only what a scheduling pass decides on: nothing to read
   * and decode of hyperparameters, checkpoints or results (a pass reads every
   * trial holding a slot).
   */
  listTrialStubs(filter: TrialFilter): Promise<TrialStub[]>;
  /**
   * The checkpoints the experiment's trials start, or will start, from —
   * each one's latest and warm-start checkpoint — once each, in no order.
   */
  listTrialStartCheckpoints(experimentId: number): Promise<string[]>;
  /** Each experiment's trials counted by state name (a state with none is left out; so is an unknown experiment). */
  countTrials(experimentIds: readonly number[]): Promise<Map<number, Record<string, number>>>;
  updateTrial(
    id: number,
    patch: Partial<
      Pick<
        TrialRow,
        | "state"
        | "restarts"
        | "runId"
        | "closeRequested"
        | "completedLength"
        | "lengthTrained"
        | "latestCheckpointUuid"
        | "latestValidation"
        | "bestValidation"
        | "endedAt"
        | "endReason"
      >
    >,
  ): Promise<void>;

  /**
   * A validation of the trial's searcher metric: `value` becomes the trial's
   * best validation, and its experiment's best metric, where it is better than
   * what they hold (smaller when `smallerIsBetter`). Each is one conditional
   * UPDATE, so validations offered at the same time keep the best of them in
   * any order, with no lock held in between. The experiment's row is written
   * first: a transaction that calls this before it writes the trial's row
   * takes the rows in the order the experiment's own transactions do (the
   * experiment, then its trials), and cannot deadlock with them.
   */
  offerBestValidation(trialId: number, value: number, smallerIsBetter: boolean): Promise<void>;

  // trial operations
  addTrialOp(trialId: number, length: number): Promise<TrialOpRow>;
  /** The first op not yet completed, or null. */
  getNextTrialOp(trialId: number): Promise<TrialOpRow | null>;
  /** The first uncompleted op of every trial of the experiment that has one, by trial id. */
  listNextTrialOps(experimentId: number): Promise<TrialOpRow[]>;
  listTrialOps(trialId: number): Promise<TrialOpRow[]>;
  completeTrialOp(trialId: number, seq: number, searcherMetric: number): Promise<void>;

  // allocations
  createAllocation(input: {
    id: string;
    trialId: number;
    experimentId: number;
    runId: number;
    slots: number;
    /** Default "default". */
    resourcePool?: string;
    tokenHash: string;
  }): Promise<AllocationRow>;
  getAllocation(id: string): Promise<AllocationRow | null>;
  /** Allocations not TERMINATED, optionally of one trial or one experiment. */
  listLiveAllocations(filter?: {
    trialId?: number;
    experimentId?: number;
  }): Promise<AllocationRow[]>;
  /**
   * `listLiveAllocations()` with only what a scheduling pass decides on: a
   * pass reads every live allocation.
   */
  listLiveAllocationStubs(): Promise<AllocationStub[]>;
  /** Every allocation of the trial, live or not, in run order. */
  listAllocations(trialId: number): Promise<AllocationRow[]>;
  /** `listAllocations` of many trials, by trial id: a statement per 500 trials, not one each. */
  listAllocationsOfTrials(trialIds: readonly number[]): Promise<AllocationRow[]>;
  /**
   * Allocations marked `lingering`: processes a restarted master looks for.
   * Those of a deleted experiment stay listed (ended, with no token, their
   * experiment and trial gone) until `updateAllocation(id, {lingering: false})`.
   */
  listLingeringAllocations(): Promise<AllocationRow[]>;
  updateAllocation(
    id: string,
    patch: Partial<
      Pick<
        AllocationRow,
        | "state"
        | "preemptRequested"
        | "preemptRequestedAt"
        | "preemptAcked"
        | "launcherHandle"
        | "lingering"
        | "exitCode"
        | "exitReason"
        | "endedAt"
      >
    >,
  ): Promise<void>;

  // metrics
  /**
   * Inserts a batch in one statement where possible. Idempotent per
   * (trial, group, stepsCompleted) among visible rows: an identical repeat is
   * skipped, a different value over a row of an older run (a validation a
   * restart kept) takes its place, and a different value over one of this run
   * is returned as a conflict and nothing of the batch is written. One transaction, never one per row. A batch of a run
   * the trial has moved past is not written (`supersededBy`).
   *
   * On PostgreSQL a batch with a validation takes its experiment's
   * validation lock just before it inserts, until the transaction ends, so
   * that the experiment's validations are numbered in the order they commit
   * and a cursor over them never passes one that commits later. Such a batch
   * must be the last thing its transaction does, and not share it with other
   * pushes: the lock's holder must wait for nothing, or it could deadlock
   * with a push waiting for the lock.
   */
  addMetrics(trialId: number, runId: number, reports: MetricReportInput[]): Promise<MetricsAdded>;
  /**
   * Hides rows of runs older than `runId` past `stepsCompleted` (a restart
   * from a checkpoint at that step), but for the validations at
   * `keepValidationsAt` (those completed operations were decided on).
   */
  hideMetricsAfter(
    trialId: number,
    runId: number,
    stepsCompleted: number,
    keepValidationsAt?: readonly number[],
  ): Promise<number>;
  /**
   * Visible rows in id order, id > after, at most limit: of one trial (of one
   * group, or both), or the validations of every trial of an experiment.
   */
  listMetrics(query: MetricRowsQuery): Promise<MetricRow[]>;
  /** The ids and sizes (UTF-8 bytes of the values) of the rows `listMetrics` gives for the same query. */
  listMetricSizes(query: MetricRowsQuery): Promise<{ id: number; bytes: number }[]>;
  /** One metric's value of each visible validation row of an experiment. */
  listExperimentValidationValues(query: {
    experimentId: number;
    metric: string;
    /** Only these trials' rows (of the experiment); an empty list matches none. */
    trialIds?: readonly number[];
    after?: number;
    limit: number;
  }): Promise<ValidationValue[]>;

  // checkpoints
  addCheckpoint(
    input: Omit<CheckpointRow, "state" | "createdAt" | "sizeBytes">,
  ): Promise<CheckpointRow>;
  getCheckpoint(uuid: string): Promise<CheckpointRow | null>;
  listCheckpoints(filter: CheckpointFilter): Promise<CheckpointRow[]>;
  /**
   * The row ids and sizes (UTF-8 bytes of resources and metadata, JSON text)
   * of the checkpoints `listCheckpoints` gives for the same filter, in the
   * same order: a page is sized before it is read.
   */
  listCheckpointSizes(filter: CheckpointFilter): Promise<{ id: number; bytes: number }[]>;
  markCheckpointsDeleted(uuids: string[]): Promise<void>;

  // logs
  addLogs(lines: Omit<LogLine, "id">[]): Promise<void>;
  listLogs(query: LogQuery): Promise<LogLine[]>;
  /** The ids and sizes (UTF-8 bytes) of the lines `listLogs` gives for the same query. */
  listLogSizes(query: LogQuery): Promise<{ id: number; bytes: number }[]>;
}
