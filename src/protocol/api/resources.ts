/**
 * The user-facing API: experiments, trials, metrics, checkpoints, logs, users.
 * The CLI and the web UI read these shapes; the master validates against them.
 */
import { type Static, Type } from "typebox";
import { Cursor, FiniteNumber, StoredInteger } from "./common.js";
import { CHECKPOINT_PAGE, EXPERIMENT_PAGE, TRIAL_PAGE } from "./paging.js";
import { MetricGroupSchema } from "./push.js";
import { RUN_STATES } from "./run-states.js";

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) =>
  Type.Union([t, Type.Null()]);

export const ExperimentStateSchema = Type.Enum(RUN_STATES);
export const TrialStateSchema = ExperimentStateSchema;

export const CreateExperimentBody = Type.Object(
  {
    /** The config as an object, or `configYaml` as text: exactly one. */
    config: Type.Optional(Type.Unknown()),
    configYaml: Type.Optional(Type.String({ maxLength: 1_000_000 })),
    /** Absolute directory the trials run in, on the master's machine. */
    workdir: Type.String({ minLength: 1, maxLength: 4096 }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    activate: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateExperimentBody = Static<typeof CreateExperimentBody>;

/** `POST /experiments/{id}/fork`: the source's config unless one is given (at most one of them). */
export const ForkExperimentBody = Type.Object(
  {
    config: Type.Optional(Type.Unknown()),
    configYaml: Type.Optional(Type.String({ maxLength: 1_000_000 })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    activate: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ForkExperimentBody = Static<typeof ForkExperimentBody>;

/** `POST /trials/{id}/continue`: train an ended trial on to a larger total `length` (the config's unit). */
export const ContinueTrialBody = Type.Object(
  {
    length: StoredInteger(1),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    activate: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ContinueTrialBody = Static<typeof ContinueTrialBody>;

export const TrialCounts = Type.Record(Type.String(), Type.Integer());

export const ExperimentSummary = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  state: ExperimentStateSchema,
  /** The user who created it: only they and admins may change it; everyone may read it. */
  owner: Type.Object({ id: Type.Integer(), username: Type.String() }),
  searcher: Type.String(),
  metric: Type.String(),
  smallerIsBetter: Type.Boolean(),
  progress: Type.Number(),
  bestMetric: Nullable(Type.Number()),
  trialCounts: TrialCounts,
  createdAt: Type.String(),
  endedAt: Nullable(Type.String()),
  endReason: Nullable(Type.String()),
});
export type ExperimentSummary = Static<typeof ExperimentSummary>;

/**
 * What a hidden environment variable's value reads as. A config that still
 * carries it is refused (INVALID_CONFIG): it is a copy of a config whose
 * values its author could not see, not a value anyone means.
 */
export const REDACTED = "[redacted]";

export const ExperimentDetail = Type.Evaluate(
  Type.Intersect([
    ExperimentSummary,
    Type.Object({
      /**
       * The config. For a caller who is neither the owner nor an admin the
       * values of `environment.variables` are replaced by "[redacted]" (the
       * names are kept) and `configYaml` is null when there are any.
       */
      config: Type.Unknown(),
      configYaml: Nullable(Type.String()),
      /** True when `environment.variables` were redacted for this caller. */
      variablesRedacted: Type.Boolean(),
      workdir: Type.String(),
      /** Seconds until done, estimated from progress; null when unknown, and while paused or stopping. */
      etaSeconds: Nullable(Type.Number()),
    }),
  ]),
);
export type ExperimentDetail = Static<typeof ExperimentDetail>;

/** `state`: a comma-separated list of states, none of them empty; all of them when omitted. */
export const ExperimentListQuery = Type.Object({
  state: Type.Optional(Type.String()),
  after: Type.Optional(Cursor),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: EXPERIMENT_PAGE })),
});

/**
 * Experiments in id order, id > `after`. `next` and `truncated` as in
 * MetricSeries: the page stops short of `limit` to stay within PAGE_BYTES of
 * names, metrics and end reasons; read on from `next`.
 */
export const ExperimentList = Type.Object({
  experiments: Type.Array(ExperimentSummary),
  next: Nullable(Type.Integer()),
  truncated: Type.Boolean(),
});
export type ExperimentList = Static<typeof ExperimentList>;

export const TrialSummary = Type.Object({
  id: Type.Integer(),
  experimentId: Type.Integer(),
  requestId: Type.Integer(),
  state: TrialStateSchema,
  hparams: Type.Record(Type.String(), Type.Unknown()),
  restarts: Type.Integer(),
  runId: Type.Integer(),
  /** Absolute length trained so far, in the config's unit. */
  lengthTrained: Type.Number(),
  /** Length of the op being worked on, or null. */
  currentOpLength: Nullable(Type.Number()),
  latestValidation: Nullable(Type.Number()),
  bestValidation: Nullable(Type.Number()),
  latestCheckpoint: Nullable(Type.String()),
  /** pbt: the trial this one was copied from, or null. */
  parentTrialId: Nullable(Type.Integer()),
  /** pbt: the parent's checkpoint this trial started from (null: it started from scratch). */
  warmStartCheckpoint: Nullable(Type.String()),
  running: Type.Boolean(),
  /**
   * Its run holds its slots but has not started: a Slurm job still waiting
   * in the cluster's queue. Always with `running`.
   */
  queued: Type.Boolean(),
  /**
   * Seconds the trial's process has been ignoring a request to stop (told to,
   * not acknowledged, for at least 10 s); null when it is not. It gets SIGTERM
   * after a grace period and SIGKILL at the end of `preemption_timeout`.
   */
  ignoringPreemptionSeconds: Nullable(Type.Integer({ minimum: 0 })),
  createdAt: Type.String(),
  endedAt: Nullable(Type.String()),
  endReason: Nullable(Type.String()),
});
export type TrialSummary = Static<typeof TrialSummary>;

export const TrialsQuery = Type.Object({
  after: Type.Optional(Cursor),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: TRIAL_PAGE })),
});

/**
 * An experiment's trials in id order, id > `after`. `next` and `truncated`
 * as in MetricSeries: the page stops short of `limit` trials to stay within
 * PAGE_BYTES of hyperparameters; read on from `next`.
 */
export const TrialList = Type.Object({
  trials: Type.Array(TrialSummary),
  next: Nullable(Type.Integer()),
  truncated: Type.Boolean(),
});
export type TrialList = Static<typeof TrialList>;

export const AllocationSummary = Type.Object({
  id: Type.String(),
  state: Type.String(),
  runId: Type.Integer(),
  slots: Type.Integer(),
  /** The resource pool whose launcher ran it. */
  resourcePool: Type.String(),
  /** Its process on the master's machine (local pools); null elsewhere or before it started. */
  pid: Nullable(Type.Integer()),
  /** Its Slurm job (Slurm pools): what `squeue`, `scontrol` and `sacct` know it by. */
  slurmJobId: Nullable(Type.String()),
  preemptRequested: Type.Boolean(),
  exitCode: Nullable(Type.Integer()),
  exitReason: Nullable(Type.String()),
  createdAt: Type.String(),
  endedAt: Nullable(Type.String()),
});
export type AllocationSummary = Static<typeof AllocationSummary>;

export const TrialDetail = Type.Evaluate(
  Type.Intersect([
    TrialSummary,
    Type.Object({
      allocations: Type.Array(AllocationSummary),
      ops: Type.Array(
        Type.Object({
          length: Type.Number(),
          completed: Type.Boolean(),
          searcherMetric: Nullable(Type.Number()),
        }),
      ),
    }),
  ]),
);
export type TrialDetail = Static<typeof TrialDetail>;

export const MetricsQuery = Type.Object({
  group: Type.Optional(MetricGroupSchema),
  after: Type.Optional(Cursor),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
});

export const MetricPoint = Type.Object({
  id: Type.Integer(),
  trialId: Type.Integer(),
  group: MetricGroupSchema,
  stepsCompleted: Type.Integer(),
  runId: Type.Integer(),
  metrics: Type.Record(Type.String(), FiniteNumber),
  reportTime: Type.String(),
});
export type MetricPoint = Static<typeof MetricPoint>;

/**
 * Bytes (UTF-8) of stored text one page holds at most: of line text in a page
 * of logs, of metric names and values in a page of metrics, of events and the
 * operations answering them in a page of searcher events, of hyperparameters
 * (as JSON) in a page of trials. A page always holds at least one line, row,
 * event or trial.
 */
export const PAGE_BYTES = 2 * 1024 * 1024;

/**
 * `next` is the `after` cursor of the following page; null when this page was
 * the last one so far. `truncated`: the page stopped short of `limit` rows to
 * stay within PAGE_BYTES; ask again from `next` for the rows after it.
 */
export const MetricSeries = Type.Object({
  metrics: Type.Array(MetricPoint),
  next: Nullable(Type.Integer()),
  truncated: Type.Boolean(),
});
export type MetricSeries = Static<typeof MetricSeries>;

export const LogsQuery = Type.Object({
  after: Type.Optional(Cursor),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  tail: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  /** Long-poll: wait up to this many seconds for new lines when there are none. */
  waitSeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 60 })),
});

export const LogLineSchema = Type.Object({
  id: Type.Integer(),
  allocationId: Nullable(Type.String()),
  time: Type.String(),
  stream: Type.String(),
  line: Type.String(),
});
export type LogLineSchema = Static<typeof LogLineSchema>;

/**
 * `truncated`: the page stopped short of `limit` (or `tail`) lines to stay
 * within PAGE_BYTES; ask again from `next` for the lines after it (with
 * `tail`, the older lines of the tail were the ones left out).
 */
export const LogPage = Type.Object({
  logs: Type.Array(LogLineSchema),
  next: Nullable(Type.Integer()),
  truncated: Type.Boolean(),
});
export type LogPage = Static<typeof LogPage>;

export const CheckpointSchema = Type.Object({
  uuid: Type.String(),
  trialId: Type.Integer(),
  experimentId: Type.Integer(),
  runId: Type.Integer(),
  stepsCompleted: Type.Integer(),
  resources: Type.Record(Type.String(), Type.Integer()),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  sizeBytes: Type.Integer(),
  state: Type.String(),
  validationMetric: Nullable(Type.Number()),
  createdAt: Type.String(),
});
export type CheckpointSchema = Static<typeof CheckpointSchema>;

const checkpointPaging = {
  after: Type.Optional(Cursor),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: CHECKPOINT_PAGE })),
};
export const CheckpointsQuery = Type.Object(checkpointPaging, { additionalProperties: false });
/** `includeDeleted=true`: also those the keep policy deleted (state DELETED, files gone). */
export const ExperimentCheckpointsQuery = Type.Object(
  { ...checkpointPaging, includeDeleted: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

/**
 * Checkpoints in the order the master registered them, after cursor `after`. `next` and
 * `truncated` as in MetricSeries: the page stops short of `limit` checkpoints
 * to stay within PAGE_BYTES of resources and metadata; read on from `next`.
 */
export const CheckpointList = Type.Object({
  checkpoints: Type.Array(CheckpointSchema),
  next: Nullable(Type.Integer()),
  truncated: Type.Boolean(),
});
export type CheckpointList = Static<typeof CheckpointList>;

export const PreviewBody = Type.Object(
  {
    config: Type.Optional(Type.Unknown()),
    configYaml: Type.Optional(Type.String({ maxLength: 1_000_000 })),
    /**
     * Instead of the config's `reproducibility.experiment_seed`, and what that takes
     * (EXPERIMENT_SEED of ../config/sections.ts, spelled out so this module loads no parser).
     */
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 0xffff_ffff })),
    metric: Type.Optional(Type.Union([Type.Literal("constant"), Type.Literal("random")])),
  },
  { additionalProperties: false },
);
export type PreviewBody = Static<typeof PreviewBody>;

export const CreateUserBody = Type.Object(
  {
    username: Type.String({ pattern: "^[A-Za-z0-9_.-]{1,64}$" }),
    password: Type.Optional(Type.String({ minLength: 8, maxLength: 1024 })),
    admin: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const UserSchema = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  admin: Type.Boolean(),
  /** False once an admin has deactivated the user: no token of theirs works, no login. */
  active: Type.Boolean(),
});
export type UserSchema = Static<typeof UserSchema>;

export const UserList = Type.Object({ users: Type.Array(UserSchema) });
export type UserList = Static<typeof UserList>;

export const TokenResponse = Type.Object({
  token: Type.String(),
  user: UserSchema,
  /** When the token stops working (ISO 8601); log in again for a new one. */
  expiresAt: Type.String(),
});
export type TokenResponse = Static<typeof TokenResponse>;

export const UsernameParams = Type.Object({
  username: Type.String({ pattern: "^[A-Za-z0-9_.-]{1,64}$" }),
});

export const RevokeResponse = Type.Object({
  /** Tokens revoked by this call (ones revoked before are not counted). */
  revoked: Type.Integer(),
});
export type RevokeResponse = Static<typeof RevokeResponse>;

/** The answer to deactivating or activating a user. */
export const UserActivationResponse = Type.Object({
  user: UserSchema,
  /** False when the user was in that state already (the call is idempotent). */
  changed: Type.Boolean(),
});
export type UserActivationResponse = Static<typeof UserActivationResponse>;

export const HealthResponse = Type.Object({ status: Type.Literal("ok"), version: Type.String() });
