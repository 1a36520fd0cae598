/**
 * Starting a trial the scheduler gave slots to: a new run of it and its
 * allocation (with its fencing token), then its launch, or its hand-over to
 * the process of an ended allocation that asked for a next trial.
 */
import { randomUUID } from "node:crypto";
import { ClusterUnreachableError, type ExitInfo, type LaunchSpec } from "../launcher/launcher.js";
import type { ResourcePool } from "../launcher/resource-pools.js";
import type { AllocationRow, CheckpointRow, ExperimentRow, TrialStub } from "../storage/store.js";
import { checkpointDir } from "./checkpoint-files.js";
import type { MasterContext } from "./context.js";
import type { LogSink } from "./log-sink.js";
import { newAllocationToken } from "./tokens.js";
import { trialVariables } from "./trial-variables.js";

/** What a start needs of the supervisor. */
export interface StartContext {
  ctx: MasterContext;
  logs: LogSink;
  /** Reads the end of an allocation that could not start (the supervisor's `handleExit`). */
  exitRead(allocationId: string, info: ExitInfo): Promise<void>;
  /** What the master asked of the allocation meanwhile (`StopRequests.requested`). */
  stopRequested(allocationId: string): "kill" | "stop" | null;
}

/** A new run of a trial, its allocation created and not started yet. */
export interface NewRun {
  alloc: AllocationRow;
  spec: LaunchSpec;
  env: Record<string, string>;
}

/**
 * Creates a new run of the trial and its allocation (PENDING, with its
 * fencing token), or null when the trial is no longer to start (paused,
 * ended, or running already).
 */
export async function createRun(
  { ctx, logs }: Pick<StartContext, "ctx" | "logs">,
  {
    pool,
    exp,
    trial,
    masterUrl,
  }: { pool: ResourcePool; exp: ExperimentRow; trial: TrialStub; masterUrl: string },
): Promise<NewRun | null> {
  const allocationId = randomUUID();
  const { token, hash } = newAllocationToken(allocationId);
  const started = await ctx.transact(exp.id, async (tx, current) => {
    // Paused, cancelled or killed since this pass read it: start nothing.
    if (current.state !== "ACTIVE") return null;
    const t = await tx.getTrial(trial.id);
    if (t?.state !== "ACTIVE") return null;
    if ((await tx.listLiveAllocations({ trialId: t.id })).length > 0) return null;
    const runId = t.runId + 1;
    await tx.updateTrial(t.id, { runId });
    const alloc = await tx.createAllocation({
      id: allocationId,
      trialId: t.id,
      experimentId: exp.id,
      runId,
      slots: exp.config.resources.slots_per_trial,
      resourcePool: pool.name,
      tokenHash: hash,
    });
    // A new run starts from the latest checkpoint: what older runs reported past it is
    // hidden, but for the validations its completed operations were decided on (the new
    // run trains past those lengths without stopping there to validate again).
    const ckpt = t.latestCheckpointUuid ? await tx.getCheckpoint(t.latestCheckpointUuid) : null;
    const from = ckpt ? ckpt.stepsCompleted : 0;
    const decided = (await tx.listTrialOps(t.id))
      .filter((o) => o.completed && o.length > from)
      .map((o) => o.length);
    await tx.hideMetricsAfter(t.id, runId, from, decided);
    return { trial: t, alloc, op: await tx.getNextTrialOp(t.id), ckpt };
  });
  if (!started) return null;
  const { alloc } = started;
  const env = trialVariables({
    exp,
    trial: started.trial,
    alloc,
    token,
    op: started.op,
    masterUrl,
    checkpointDir: checkpointDir(ctx, exp.config),
  });
  const spec = {
    allocationId: alloc.id,
    trialId: trial.id,
    experimentId: exp.id,
    workdir: exp.workdir,
    entrypoint: exp.config.entrypoint,
    env,
    slots: alloc.slots,
  };
  logs.register(alloc.id, trial.id);
  if (alloc.runId > 1) logs.master(trial.id, alloc.id, runStartLine(alloc.runId, started.ckpt));
  return { alloc, spec, env };
}

/**
 * The master's line where a later run begins in its trial's logs: the runs
 * before it may have printed the same lines, a traceback each.
 */
function runStartLine(runId: number, from: CheckpointRow | null): string {
  const what = from ? `checkpoint ${from.uuid} (length ${from.stepsCompleted})` : "scratch";
  return `run ${runId} starts from ${what}`;
}

/** Whether a log line is a run's start as the master marks it, not the run's own output. */
export function isRunStartLine(line: { stream: string; line: string }): boolean {
  return line.stream === "master" && /^run \d+ starts from /.test(line.line);
}

/**
 * How a start went: started; gone (the process it was handed to went away);
 * refused (the run failed); or the cluster was out of reach (the run is lost).
 */
export type StartOutcome = "started" | "gone" | "refused" | "unreachable";

/**
 * Launches a new run through its pool's launcher, or hands it to the process
 * of ended allocation `from`, which asked for a next trial. A start that
 * fails ends the run: lost when the cluster could not be reached or the
 * process went away (the trial waits for its next launch), else failed,
 * with the launcher's message in the trial's logs.
 */
export async function launchRun(
  { ctx, logs, exitRead, stopRequested }: StartContext,
  pool: ResourcePool,
  { alloc, spec }: NewRun,
  from?: AllocationRow,
): Promise<StartOutcome> {
  try {
    // One told to stop while it waited for its launch stays marked so (`markToStop`).
    if (!stopRequested(alloc.id)) await ctx.store.updateAllocation(alloc.id, { state: "STARTING" });
    const handle = from
      ? pool.launcher.handOver?.(from.id, spec)
      : await pool.launcher.launch(spec);
    if (from && !handle) {
      await exitRead(alloc.id, { exitCode: null, signal: null, lost: true });
      return "gone";
    }
    // Told to stop while it started (a pause, a kill): it found no process to stop then.
    const stop = stopRequested(alloc.id);
    await ctx.store.updateAllocation(alloc.id, {
      state: stop ? "TERMINATING" : "RUNNING",
      launcherHandle: handle ?? null,
    });
    if (stop === "kill") await pool.launcher.kill(alloc.id, handle ?? null);
    return "started";
  } catch (err) {
    logs.master(alloc.trialId, alloc.id, `could not start: ${(err as Error).message}`);
    // A cluster out of reach is not the trial's failure: the run is lost, and started again.
    const unreachable = err instanceof ClusterUnreachableError;
    await exitRead(alloc.id, {
      exitCode: null,
      signal: null,
      lost: unreachable,
      ...(unreachable
        ? { unreachable }
        : { notStarted: (err as Error).message.split("\n", 1)[0]! }),
    });
    return unreachable ? "unreachable" : "refused";
  }
}

/**
 * The launcher found the process of an allocation whose master died after
 * launching it, before storing its handle: the handle is stored as
 * `launchRun` would have, and one still STARTING is RUNNING. Stored for one
 * that has ended meanwhile too (its process asked for a next trial before it
 * was found): the handle names its job, and removes its files with its
 * experiment (`forget`).
 */
export async function recordFound(
  ctx: MasterContext,
  allocationId: string,
  handle: unknown,
): Promise<void> {
  const a = await ctx.store.getAllocation(allocationId);
  if (!a || a.launcherHandle !== null) return;
  await ctx.store.updateAllocation(allocationId, {
    launcherHandle: handle,
    ...(a.state === "STARTING" ? { state: "RUNNING" as const } : {}),
  });
}
