/**
 * The rows the store reads and writes, as the master sees them (decoded:
 * dates, booleans, parsed JSON), and the parts of them a scheduling pass
 * reads. The operations on them are the `Store` interface (store.ts).
 */

import type { RunStateName } from "../../protocol/api/run-states.js";
import type { ExperimentConfig, HParams } from "../../protocol/config/types.js";
import type { PostedOperation, RequestId, SearcherEvent } from "../../searcher/types.js";

/** The nine states of DESIGN §6 (src/protocol/api/run-states.ts lists them). */
export type ExperimentState = RunStateName;

/** Trials go through the same states as experiments (DESIGN §6). */
export type TrialState = ExperimentState;

export type AllocationState = "PENDING" | "STARTING" | "RUNNING" | "TERMINATING" | "TERMINATED";

export type MetricGroup = "training" | "validation";

export interface UserRow {
  id: number;
  username: string;
  /** scrypt hash `salt:hash` in hex, or null for token-only users. */
  passwordHash: string | null;
  admin: boolean;
  createdAt: Date;
  /** When an admin deactivated the user; null while the user is active. */
  deactivatedAt: Date | null;
}

/** What deactivating or activating a user did (`Store.setUserActive`). */
export type UserActivation =
  /** `changed` false: the user was in that state already (tokens are revoked again all the same). */
  | { outcome: "done"; user: UserRow; changed: boolean }
  /** Refused: the user is the only active admin; nothing changed. */
  | { outcome: "last-active-admin" }
  | { outcome: "no-user" };

/** What a list of experiments shows of one: its row without the config. */
export interface ExperimentSummaryRow {
  id: number;
  name: string;
  state: ExperimentState;
  ownerId: number;
  /** Experiment progress in [0,1], monotone. */
  progress: number;
  /** Best searcher metric seen among validations, in the config's direction. */
  bestMetric: number | null;
  createdAt: Date;
  endedAt: Date | null;
  /** Human-readable reason for ERROR / CANCELED. */
  endReason: string | null;
  /** The config's searcher.name, searcher.metric and searcher.smaller_is_better. */
  searcherName: string;
  metric: string;
  smallerIsBetter: boolean;
  /** The config's resources.resource_pool; null: the master's default pool. */
  resourcePool: string | null;
}

export interface ExperimentRow extends ExperimentSummaryRow {
  config: ExperimentConfig;
  /** The YAML the user submitted, verbatim, or null when created from an object. */
  configYaml: string | null;
  workdir: string;
}

export interface ExperimentFilter {
  /** Only experiments in one of these states; an empty list matches none. */
  states?: ExperimentState[];
  /** Only experiments with id > after (a page's cursor). */
  after?: number;
  /** Only experiments with id ≤ through (a page's last). */
  through?: number;
  /** At most this many, the first in id order. */
  limit?: number;
}

export interface TrialRow {
  id: number;
  experimentId: number;
  requestId: RequestId;
  state: TrialState;
  hparams: HParams;
  trialSeed: number;
  /** Crashes counted against max_restarts. */
  restarts: number;
  /** Increases with every new process run of the trial (crash restart, preemption, reschedule). */
  runId: number;
  /** The searcher sent Close: no more ops after the queued ones. */
  closeRequested: boolean;
  /** Absolute length of the last completed op (0 before any). */
  completedLength: number;
  /** Absolute length trained so far, as last reported (progress). */
  lengthTrained: number;
  latestCheckpointUuid: string | null;
  /** pbt: the trial this one was copied from (null for a trial sampled afresh). */
  parentTrialId: number | null;
  /** The checkpoint of the parent the trial started from (null: it started from scratch). */
  warmStartCheckpointUuid: string | null;
  latestValidation: number | null;
  bestValidation: number | null;
  createdAt: Date;
  endedAt: Date | null;
  endReason: string | null;
}

/** One `ValidateAfter` for one trial; ops of a trial are done in `seq` order. */
export interface TrialOpRow {
  trialId: number;
  seq: number;
  length: number;
  completed: boolean;
  searcherMetric: number | null;
}

/** What a deleted experiment had outside the database: checkpoints (all states) and its runs' launcher handles. */
export interface DeletedExperiment {
  checkpoints: CheckpointRow[];
  allocations: AllocationRow[];
}

export interface AllocationRow {
  id: string;
  trialId: number;
  experimentId: number;
  state: AllocationState;
  runId: number;
  slots: number;
  /** The resource pool whose launcher runs it. */
  resourcePool: string;
  /** sha256 hex of the allocation's bearer token. */
  tokenHash: string;
  preemptRequested: boolean;
  /** When the allocation was told to stop (null if it was not, or before this was recorded). */
  preemptRequestedAt: Date | null;
  preemptAcked: boolean;
  /** Launcher-specific handle (pid, pgid, Slurm job id …) as JSON. */
  launcherHandle: unknown;
  /**
   * Its process was told there is no next trial (the allocation has ended)
   * and has not been seen to exit: it holds its slots until it does.
   */
  lingering: boolean;
  exitCode: number | null;
  exitReason: string | null;
  createdAt: Date;
  endedAt: Date | null;
}

export interface MetricReportInput {
  group: MetricGroup;
  stepsCompleted: number;
  metrics: Record<string, number>;
  reportTime: Date;
}

export interface MetricRow extends MetricReportInput {
  /** Monotone id across all metric rows: the cursor for `after`. */
  id: number;
  trialId: number;
  runId: number;
}

/** Whose visible metric rows to read: one trial's, or every validation of an experiment. */
export type MetricRowsQuery = (
  | { trialId: number; group?: MetricGroup }
  | { experimentId: number }
) & {
  after?: number;
  /** Only rows with id ≤ through (a sized page's last). */
  through?: number;
  limit: number;
};

/** A report that clashes with a stored one for the same (trial, group, stepsCompleted). */
export interface MetricConflict {
  group: MetricGroup;
  stepsCompleted: number;
  stored: Record<string, number>;
  reported: Record<string, number>;
}

/** What `addMetrics` did with a batch. */
export interface MetricsAdded {
  inserted: number;
  /** Reports that clash with stored ones: then nothing of the batch was written. */
  conflicts: MetricConflict[];
  /** The trial's current run, when the batch's run has been superseded: nothing was written. */
  supersededBy?: number;
}

/** An event a custom search process reads, with the operations posted in answer to it (or null). */
export interface CustomSearcherEventRow {
  seq: number;
  event: SearcherEvent;
  operations: PostedOperation[] | null;
}

/** One metric of one validation row, for charts. `value` is null when the row lacks the metric. */
export interface ValidationValue {
  id: number;
  trialId: number;
  runId: number;
  stepsCompleted: number;
  value: number | null;
  /** When the trial reported it, in milliseconds since the epoch. */
  reportTime: number;
}

export interface CheckpointRow {
  uuid: string;
  trialId: number;
  experimentId: number;
  runId: number;
  stepsCompleted: number;
  /** relative path → bytes */
  resources: Record<string, number>;
  metadata: Record<string, unknown>;
  sizeBytes: number;
  state: "ACTIVE" | "DELETED";
  createdAt: Date;
}

export interface LogLine {
  id: number;
  trialId: number;
  allocationId: string | null;
  time: Date;
  stream: "stdout" | "stderr" | "master";
  line: string;
}

/** Which of an experiment's events a custom search process reads: seq > after, the first `limit`. */
export interface CustomSearcherEventQuery {
  experimentId: number;
  after: number;
  limit: number;
  /** Only events with seq ≤ through (a sized page's last). */
  through?: number;
}

/** Which of a trial's log lines to read: those after `after`, the first `limit` or the last `tail`. */
export interface LogQuery {
  trialId: number;
  after?: number;
  /** Only lines with id ≤ through (a sized page's last). */
  through?: number;
  limit: number;
  tail?: number;
}

export interface CheckpointFilter {
  experimentId?: number;
  trialId?: number;
  /** Also those the keep policy deleted. */
  includeDeleted?: boolean;
  /** Only checkpoints registered after the one with this row id (a page's cursor). */
  after?: number;
  /** Only checkpoints up to the one with this row id (a page's last, as sized). */
  through?: number;
  /** At most this many, the first in the order they were registered. */
  limit?: number;
}

export interface TrialFilter {
  experimentId: number;
  states?: TrialState[];
  /** Only these trials (of the experiment); an empty list matches none. */
  ids?: readonly number[];
  /** Only trials with id > after (a page's cursor). */
  after?: number;
  /** Only trials with id <= through (a page's last, as sized). */
  through?: number;
  /** At most this many, the first in id order. */
  limit?: number;
}

/** What a scheduling pass decides on of a live allocation (`listLiveAllocationStubs`). */
export type AllocationStub = Pick<
  AllocationRow,
  "id" | "trialId" | "experimentId" | "state" | "slots" | "resourcePool" | "preemptRequested"
>;

/** What a scheduling pass decides on of a trial (`listTrialStubs`). */
export type TrialStub = Pick<TrialRow, "id" | "experimentId" | "requestId" | "closeRequested">;

export interface UserTokenRow {
  user: UserRow;
  expiresAt: Date | null;
  revokedAt: Date | null;
}
