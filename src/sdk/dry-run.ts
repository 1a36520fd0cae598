/**
 * Off the cluster (no PUSHTUNE_TRIAL_ID set),
 * `init()` runs the trial against an in-memory master: one operation of the
 * config's `max_length`, every report
 * printed to stdout as a line, checkpoints written to a temporary directory.
 * So `node train.js` is enough to debug a trial.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HParams, Length } from "../protocol/config/types.js";
import { dryRunReason, type Env, parseHParams } from "./environment.js";
import {
  type ConfigOverrides,
  localExperimentConfig,
  readExperimentConfig,
} from "./experiment-config.js";
import { FakeMaster } from "./testing/fake-master.js";
import type { FakeMasterEvent } from "./testing/fake-master-types.js";

export interface DryRunOptions {
  /** Used unless PUSHTUNE_HPARAMS is set. Default {}. */
  hparams?: HParams;
  /** The one operation's length: batches, or a length in any unit. Default the config's, else 100 batches. */
  maxLength?: number | Length;
  /** Used unless PUSHTUNE_EXPERIMENT_CONFIG is set. */
  config?: ConfigOverrides;
  /** Default PUSHTUNE_CHECKPOINT_DIR, else a fresh temporary directory. */
  checkpointDir?: string;
  /** Where report lines go. Default stdout. */
  print?: (line: string) => void;
}

/**
 * Report lines on stdout. Once its reader has gone (`node train.js | head`),
 * writes to stdout are dropped, the script's own too, rather than an EPIPE
 * error ending the run with a stack trace: what the reader wanted, it has.
 */
function stdoutLines(): (line: string) => void {
  let gone = false;
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code !== "EPIPE") throw err;
    gone = true;
  });
  return (line) => {
    if (!gone) process.stdout.write(`${line}\n`);
  };
}

export async function startDryRun(
  env: Env,
  options: DryRunOptions,
  log?: (line: string) => void,
): Promise<{ transport: FakeMaster; env: Record<string, string> }> {
  const print = options.print ?? log ?? stdoutLines();
  const base = env.PUSHTUNE_EXPERIMENT_CONFIG
    ? readExperimentConfig(env.PUSHTUNE_EXPERIMENT_CONFIG)
    : localExperimentConfig(options.config);
  const maxLength: Length =
    typeof options.maxLength === "number"
      ? { unit: "batches", value: options.maxLength }
      : (options.maxLength ?? base.searcher.max_length);
  const config = { ...base, searcher: { ...base.searcher, max_length: maxLength } };
  const hparams = env.PUSHTUNE_HPARAMS
    ? parseHParams(env.PUSHTUNE_HPARAMS)
    : (options.hparams ?? {});
  const checkpointDir =
    options.checkpointDir ||
    env.PUSHTUNE_CHECKPOINT_DIR ||
    (await mkdtemp(join(tmpdir(), "pushtune-dry-run-")));

  const master = new FakeMaster({
    ops: [maxLength.value],
    hparams,
    config,
    checkpointDir,
    latestCheckpoint: env.PUSHTUNE_LATEST_CHECKPOINT || null,
    onEvent: (event) => print(`[dry run] ${describe(event)}`),
  });
  print(
    `[dry run] ${dryRunReason(env)}: one operation of ${maxLength.value} ${maxLength.unit}, ` +
      `hparams ${JSON.stringify(hparams)}, checkpoints in ${checkpointDir}`,
  );
  return { transport: master, env: master.env() };
}

function describe(event: FakeMasterEvent): string {
  switch (event.type) {
    case "metrics": {
      const { group, stepsCompleted, metrics } = event.report;
      const values = Object.entries(metrics).map(([k, v]) => `${k}=${v}`);
      return `${group} metrics at step ${stepsCompleted}: ${values.join(" ")}`;
    }
    case "progress":
      return `progress ${event.progress}`;
    case "completedOperation":
      return `operation ${event.length} completed, searcher metric ${event.searcherMetric}`;
    case "checkpoint": {
      const { uuid, stepsCompleted, resources } = event.checkpoint;
      const files = Object.keys(resources).length;
      return `checkpoint ${uuid} at step ${stepsCompleted} (${files} file${files === 1 ? "" : "s"})`;
    }
    case "earlyExit":
      return `early exit: ${event.reason}`;
    case "ackPreemption":
      return "preemption acknowledged";
    case "nextTrial":
      return "asked for a next trial: a dry run has one";
  }
}
