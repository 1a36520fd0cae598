/**
 * The push API a trial speaks (DESIGN §4). Lengths are absolute, in the
 * experiment config's unit, so every call is idempotent and a restarted trial
 * needs no searcher state.
 */
import { type Static, Type } from "typebox";
import { FiniteNumber, MAX_STORED_INTEGER, RowId, StoredInteger } from "./common.js";

/**
 * Long polls wait at most 600 s (`MAX_LONG_POLL_SECONDS` of ../timers.ts, which the SDK
 * checks; spelled out here so that the SDK's lazily loaded schema checks import nothing
 * of its main module).
 */
export const OperationQuery = Type.Object({
  waitSeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 600 })),
});

/**
 * `{op, completed:false}` = work now; `{op:null, completed:false}` = ask again;
 * `{op:null, completed:true}` = closed. `preempt: true` = this allocation has
 * been asked to stop (pause, cancel, its slots wanted by another trial): it
 * comes with `op: null`, and the trial checkpoints, acknowledges
 * (`ack_preemption`) and exits, so the operation loop alone is a complete
 * protocol. `preempt` is sent only when true.
 */
export const OperationResponse = Type.Object({
  op: Type.Union([Type.Object({ length: Type.Integer({ minimum: 1 }) }), Type.Null()]),
  completed: Type.Boolean(),
  preempt: Type.Optional(Type.Boolean()),
});
export type OperationResponse = Static<typeof OperationResponse>;

export const EarlyExitBody = Type.Object(
  {
    reason: Type.Union([
      Type.Literal("INVALID_HP"),
      Type.Literal("ERRORED"),
      Type.Literal("USER_CANCELED"),
    ]),
  },
  { additionalProperties: false },
);
export type EarlyExitBody = Static<typeof EarlyExitBody>;

/** `progress`: the absolute length trained so far (inside the current op, so ≤ its length). */
export const ProgressBody = Type.Object(
  { progress: Type.Number({ minimum: 0, maximum: 1e15 }) },
  { additionalProperties: false },
);
export type ProgressBody = Static<typeof ProgressBody>;

export const MetricGroupSchema = Type.Union([Type.Literal("training"), Type.Literal("validation")]);

export const MetricReport = Type.Object(
  {
    group: MetricGroupSchema,
    stepsCompleted: StoredInteger(0),
    metrics: Type.Record(Type.String({ minLength: 1, maxLength: 200 }), FiniteNumber, {
      maxProperties: 200,
    }),
    reportTime: Type.Optional(Type.String({ format: "date-time" })),
  },
  { additionalProperties: false },
);
export type MetricReport = Static<typeof MetricReport>;

/** `progress`: what `POST …/progress` would report, applied after the reports (one request for both). */
export const MetricsBody = Type.Object(
  {
    reports: Type.Array(MetricReport, { minItems: 1, maxItems: 10_000 }),
    trialRunId: RowId,
    progress: Type.Optional(ProgressBody.properties.progress),
  },
  { additionalProperties: false },
);
export type MetricsBody = Static<typeof MetricsBody>;

/** `metrics`: a metrics push the master stores before the completion (one request for both). */
export const CompletedOperationBody = Type.Object(
  {
    op: Type.Object({ length: StoredInteger(1) }, { additionalProperties: false }),
    searcherMetric: FiniteNumber,
    metrics: Type.Optional(MetricsBody),
  },
  { additionalProperties: false },
);
export type CompletedOperationBody = Static<typeof CompletedOperationBody>;

export const MetricsResponse = Type.Object({ inserted: Type.Integer() });

/** Largest checkpoint metadata, as JSON text. */
export const MAX_CHECKPOINT_METADATA_BYTES = 256 * 1024;

/** Largest total size of a checkpoint's files (the sum of `resources`). */
export const MAX_CHECKPOINT_BYTES = MAX_STORED_INTEGER;

/**
 * A checkpoint's uuid is a UUID's canonical text (both SDKs draw a random
 * one): it names the checkpoint's directory under the storage's host_path,
 * which the master serves and deletes, so a trial must not pick a name that
 * is already some other directory there (the master's own, say).
 */
export const CHECKPOINT_UUID_PATTERN =
  "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$";

export const CheckpointBody = Type.Object(
  {
    uuid: Type.String({ pattern: CHECKPOINT_UUID_PATTERN }),
    trialId: RowId,
    stepsCompleted: StoredInteger(0),
    /** File sizes in bytes; their sum (the checkpoint's size) is bounded as each one is. */
    resources: Type.Record(Type.String({ minLength: 1, maxLength: 1024 }), StoredInteger(0), {
      maxProperties: 100_000,
    }),
    /** Free-form; at most `MAX_CHECKPOINT_METADATA_BYTES` as JSON, nested at most 32 deep like any body. */
    metadata: Type.Record(Type.String(), Type.Unknown(), { maxProperties: 1000 }),
  },
  { additionalProperties: false },
);
export type CheckpointBody = Static<typeof CheckpointBody>;

/**
 * A trial process asking for its next trial. `checkpoint`: the checkpoint it
 * took last, registered before its allocation ends (as `POST /checkpoints`
 * would, one request fewer): a trial told to stop checkpoints, then asks. An
 * ask refused because the allocation has already ended (409
 * STALE_ALLOCATION) still registers it.
 */
export const NextTrialBody = Type.Object(
  { checkpoint: Type.Optional(CheckpointBody) },
  { additionalProperties: false },
);
export type NextTrialBody = Static<typeof NextTrialBody>;

export const BestMetricResponse = Type.Object({ metric: Type.Union([FiniteNumber, Type.Null()]) });
export type BestMetricResponse = Static<typeof BestMetricResponse>;

export const PreemptionQuery = Type.Object({
  timeoutSeconds: Type.Optional(Type.Number({ minimum: 0, maximum: 600 })),
});

export const PreemptionResponse = Type.Object({ preempt: Type.Boolean() });
export type PreemptionResponse = Static<typeof PreemptionResponse>;

/**
 * The answer to a trial process that finished its trial and can take another:
 * the PUSHTUNE_* environment of the trial it now runs (with a new token), or
 * null when there is none for it and it should exit.
 */
export const NextTrialResponse = Type.Object({
  env: Type.Union([Type.Record(Type.String(), Type.String()), Type.Null()]),
});
export type NextTrialResponse = Static<typeof NextTrialResponse>;

/** The answer to `GET /allocations/{id}/environment`: every variable of LONG_VARIABLES. */
export const EnvironmentResponse = Type.Object({
  env: Type.Record(Type.String(), Type.String()),
});
export type EnvironmentResponse = Static<typeof EnvironmentResponse>;

export const LogsBody = Type.Object(
  {
    lines: Type.Array(
      Type.Object(
        {
          stream: Type.Union([Type.Literal("stdout"), Type.Literal("stderr")]),
          line: Type.String({ maxLength: 65_536 }),
          time: Type.Optional(Type.String({ format: "date-time" })),
        },
        { additionalProperties: false },
      ),
      { maxItems: 10_000 },
    ),
  },
  { additionalProperties: false },
);
export type LogsBody = Static<typeof LogsBody>;
