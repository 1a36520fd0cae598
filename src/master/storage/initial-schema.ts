/** The schema as pushtune first wrote it: version 1 of `migrations.ts`. */
import { type CreateTableBuilder, type Kysely, sql } from "kysely";
import type { Database, Dialect } from "./schema.js";

/** An id that is never reused: SQLite's AUTOINCREMENT, PostgreSQL's identity. */
function withId<T extends string>(
  table: CreateTableBuilder<T, never>,
  dialect: Dialect,
): CreateTableBuilder<T, "id"> {
  return dialect === "sqlite"
    ? table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    : table.addColumn("id", "bigint", (c) => c.primaryKey().generatedByDefaultAsIdentity());
}

export async function createInitialSchema(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  const s = db.schema;

  await withId(s.createTable("users"), dialect)
    .addColumn("username", "text", (c) => c.notNull().unique())
    .addColumn("password_hash", "text")
    .addColumn("admin", "integer", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();

  await s
    .createTable("user_tokens")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "bigint", (c) => c.notNull().references("users.id"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await s.createIndex("user_tokens_user").on("user_tokens").column("user_id").execute();

  await withId(s.createTable("experiments"), dialect)
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("config", "text", (c) => c.notNull())
    .addColumn("config_yaml", "text")
    .addColumn("workdir", "text", (c) => c.notNull())
    .addColumn("owner_id", "bigint", (c) => c.notNull().references("users.id"))
    .addColumn("progress", "double precision", (c) => c.notNull())
    .addColumn("best_metric", "double precision")
    .addColumn("searcher_snapshot", "text")
    .addColumn("searcher_snapshot_seq", "bigint", (c) => c.notNull())
    .addColumn("last_event_seq", "bigint", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("ended_at", "bigint")
    .addColumn("end_reason", "text")
    .execute();
  await s.createIndex("experiments_owner").on("experiments").column("owner_id").execute();

  await s
    .createTable("searcher_events")
    .addColumn("experiment_id", "bigint", (c) => c.notNull().references("experiments.id"))
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("event", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("searcher_events_pk", ["experiment_id", "seq"])
    .execute();

  await withId(s.createTable("trials"), dialect)
    .addColumn("experiment_id", "bigint", (c) => c.notNull().references("experiments.id"))
    .addColumn("request_id", "bigint", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("hparams", "text", (c) => c.notNull())
    .addColumn("trial_seed", "bigint", (c) => c.notNull())
    .addColumn("restarts", "integer", (c) => c.notNull())
    .addColumn("run_id", "integer", (c) => c.notNull())
    .addColumn("close_requested", "integer", (c) => c.notNull())
    .addColumn("completed_length", "double precision", (c) => c.notNull())
    .addColumn("length_trained", "double precision", (c) => c.notNull())
    .addColumn("latest_checkpoint_uuid", "text")
    .addColumn("latest_validation", "double precision")
    .addColumn("best_validation", "double precision")
    .addColumn("last_op_seq", "integer", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("ended_at", "bigint")
    .addColumn("end_reason", "text")
    .addUniqueConstraint("trials_experiment_request", ["experiment_id", "request_id"])
    .execute();

  await s
    .createTable("trial_ops")
    .addColumn("trial_id", "bigint", (c) => c.notNull().references("trials.id"))
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("length", "double precision", (c) => c.notNull())
    .addColumn("completed", "integer", (c) => c.notNull())
    .addColumn("searcher_metric", "double precision")
    .addPrimaryKeyConstraint("trial_ops_pk", ["trial_id", "seq"])
    .execute();

  await s
    .createTable("allocations")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("trial_id", "bigint", (c) => c.notNull().references("trials.id"))
    .addColumn("experiment_id", "bigint", (c) => c.notNull().references("experiments.id"))
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("run_id", "integer", (c) => c.notNull())
    .addColumn("slots", "integer", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull())
    .addColumn("preempt_requested", "integer", (c) => c.notNull())
    .addColumn("preempt_acked", "integer", (c) => c.notNull())
    .addColumn("launcher_handle", "text")
    .addColumn("exit_code", "integer")
    .addColumn("exit_reason", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("ended_at", "bigint")
    .execute();
  await s.createIndex("allocations_trial").on("allocations").column("trial_id").execute();
  await s.createIndex("allocations_experiment").on("allocations").column("experiment_id").execute();
  // Live allocations are few among many terminated ones.
  await s
    .createIndex("allocations_live")
    .on("allocations")
    .column("state")
    .where(sql.ref("state"), "<>", sql.lit("TERMINATED"))
    .execute();

  await withId(s.createTable("metrics"), dialect)
    .addColumn("trial_id", "bigint", (c) => c.notNull().references("trials.id"))
    // Denormalised from the trial and deliberately without a foreign key
    // (it would need a second full index); rows go when their trial goes.
    .addColumn("experiment_id", "bigint", (c) => c.notNull())
    .addColumn("run_id", "integer", (c) => c.notNull())
    .addColumn("metric_group", "text", (c) => c.notNull())
    .addColumn("steps_completed", "bigint", (c) => c.notNull())
    .addColumn("metrics", "text", (c) => c.notNull())
    .addColumn("report_time", "bigint", (c) => c.notNull())
    .addColumn("hidden", "integer", (c) => c.notNull())
    .execute();
  // At most one visible row per step: the key `addMetrics` conflicts on.
  // Hidden rows (an older run's, past a restored checkpoint) are outside
  // the index, so a new run can report the same steps again.
  await s
    .createIndex("metrics_visible_step")
    .on("metrics")
    .columns(["trial_id", "metric_group", "steps_completed"])
    .unique()
    .where(sql.ref("hidden"), "=", sql.lit(0))
    .execute();
  // Cursors: a trial's series in id order (training rows, the bulk, are
  // read through it too, skipping the few validations); a trial's and an
  // experiment's validations through partial indexes that training rows,
  // the hot insert path, never pay for.
  await s.createIndex("metrics_trial_id").on("metrics").columns(["trial_id", "id"]).execute();
  await s
    .createIndex("metrics_trial_validation")
    .on("metrics")
    .columns(["trial_id", "id"])
    .where(sql.ref("metric_group"), "=", sql.lit("validation"))
    .execute();
  await s
    .createIndex("metrics_experiment_validation")
    .on("metrics")
    .columns(["experiment_id", "id"])
    .where(sql.ref("metric_group"), "=", sql.lit("validation"))
    .execute();

  await withId(s.createTable("checkpoints"), dialect)
    .addColumn("uuid", "text", (c) => c.notNull().unique())
    .addColumn("trial_id", "bigint", (c) => c.notNull().references("trials.id"))
    .addColumn("experiment_id", "bigint", (c) => c.notNull().references("experiments.id"))
    .addColumn("run_id", "integer", (c) => c.notNull())
    .addColumn("steps_completed", "bigint", (c) => c.notNull())
    .addColumn("resources", "text", (c) => c.notNull())
    .addColumn("metadata", "text", (c) => c.notNull())
    .addColumn("size_bytes", "bigint", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await s.createIndex("checkpoints_trial").on("checkpoints").columns(["trial_id", "id"]).execute();
  await s
    .createIndex("checkpoints_experiment")
    .on("checkpoints")
    .columns(["experiment_id", "id"])
    .execute();

  await withId(s.createTable("trial_logs"), dialect)
    .addColumn("trial_id", "bigint", (c) => c.notNull().references("trials.id"))
    .addColumn("allocation_id", "text")
    .addColumn("time", "bigint", (c) => c.notNull())
    .addColumn("stream", "text", (c) => c.notNull())
    .addColumn("line", "text", (c) => c.notNull())
    .execute();
  await s.createIndex("trial_logs_trial_id").on("trial_logs").columns(["trial_id", "id"]).execute();
}
