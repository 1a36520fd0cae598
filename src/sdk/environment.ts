/** The trial's environment (DESIGN §4): everything the master tells a trial's process. */
import type { OperationResponse } from "../protocol/api/push.js";
import type { ExperimentConfig, HParams } from "../protocol/config/types.js";
import { FROM_MASTER, LONG_VARIABLES } from "../protocol/long-variables.js";
import { isOperationResponse } from "./answers.js";
import { TrialEnvironmentError } from "./errors.js";
import { localExperimentConfig, readExperimentConfig } from "./experiment-config.js";

export type Env = Record<string, string | undefined>;

/** What a user whose trial cannot start should know. */
const WHAT_TO_DO =
  " (a master sets every PUSHTUNE_* variable when it starts a trial; without PUSHTUNE_TRIAL_ID the script runs a local dry run)";

export interface TrialEnvironment {
  master: string;
  token: string;
  trialId: number;
  experimentId: number;
  allocationId: string;
  runId: number;
  hparams: HParams;
  trialSeed: number;
  /** The checkpoint to resume from, or null for a fresh start. */
  latestCheckpoint: string | null;
  /** shared_fs root: checkpoint `<uuid>` lives in `<checkpointDir>/<uuid>/`. */
  checkpointDir: string;
  config: ExperimentConfig;
  /**
   * PUSHTUNE_OPERATION: what asking for the trial's operation answered when
   * the master started it, so that the trial need not ask; null: ask.
   */
  operation: OperationResponse | null;
}

/**
 * Whether this process runs off the cluster: no trial. A process that has a
 * PUSHTUNE_TRIAL_ID was started as a trial, and a trial without its master's
 * URL is an error, never a dry run: it would "train" on its own, exit 0 and
 * look done. PUSHTUNE_MASTER and PUSHTUNE_TOKEN alone are the CLI's (a user's
 * shell exports them for it), so a script run there is still a dry run.
 */
export function isOffCluster(env: Env): boolean {
  return !env.PUSHTUNE_TRIAL_ID;
}

/** Why a process runs a dry run, for its first line. */
export function dryRunReason(env: Env): string {
  return env.PUSHTUNE_MASTER
    ? "not started by a master (no PUSHTUNE_TRIAL_ID)"
    : "PUSHTUNE_MASTER is not set";
}

/**
 * Reads PUSHTUNE_*; reports every missing or malformed variable at once
 * (a TrialEnvironmentError).
 */
export function readTrialEnvironment(env: Env): TrialEnvironment {
  const problems: string[] = [];
  const fromMaster = leftOut(env);
  const text = (name: string): string => {
    const value = env[name];
    if ((value === undefined || value === "") && !fromMaster.includes(name))
      problems.push(`${name} is not set`);
    return value ?? "";
  };
  const int = (name: string, min: number): number => {
    const value = text(name);
    const n = Number(value);
    if (value !== "" && (!Number.isSafeInteger(n) || n < min)) {
      problems.push(`${name} must be an integer >= ${min}, got "${value}"`);
    }
    return n;
  };
  /** `fallback` is made only when the variable is missing or malformed. */
  const json = <T>(name: string, parse: (raw: string) => T, fallback: () => T): T => {
    const value = text(name);
    if (value === "") return fallback();
    try {
      return parse(value);
    } catch (error) {
      problems.push(`${name}: ${(error as Error).message}`);
      return fallback();
    }
  };

  const url = (name: string): string => {
    const value = text(name);
    if (value !== "" && !isHttpUrl(value)) {
      problems.push(`${name} must be the master's http:// or https:// URL, got "${value}"`);
    }
    return value;
  };

  const result: TrialEnvironment = {
    master: url("PUSHTUNE_MASTER"),
    token: text("PUSHTUNE_TOKEN"),
    trialId: int("PUSHTUNE_TRIAL_ID", 1),
    experimentId: int("PUSHTUNE_EXPERIMENT_ID", 1),
    allocationId: text("PUSHTUNE_ALLOCATION_ID"),
    runId: int("PUSHTUNE_TRIAL_RUN_ID", 1),
    hparams: json("PUSHTUNE_HPARAMS", parseHParams, () => ({})),
    trialSeed: int("PUSHTUNE_TRIAL_SEED", 0),
    latestCheckpoint: env.PUSHTUNE_LATEST_CHECKPOINT || null,
    checkpointDir: text("PUSHTUNE_CHECKPOINT_DIR"),
    config: json("PUSHTUNE_EXPERIMENT_CONFIG", readExperimentConfig, localExperimentConfig),
    operation: readOperation(env.PUSHTUNE_OPERATION),
  };
  if (problems.length > 0) {
    throw new TrialEnvironmentError(
      `pushtune: cannot start this trial: ${problems.join("; ")}${WHAT_TO_DO}`,
    );
  }
  return result;
}

/**
 * The variables PUSHTUNE_FROM_MASTER says the launcher left out of this
 * environment as too long to pass (only names of the protocol's
 * LONG_VARIABLES count): the trial reads them from the master
 * (`withVariablesFromMaster`).
 */
export function leftOut(env: Env): string[] {
  const listed = (env[FROM_MASTER] ?? "").split(",");
  return LONG_VARIABLES.filter((name) => listed.includes(name) && !env[name]);
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol, host } = new URL(value);
    return (protocol === "http:" || protocol === "https:") && host !== "";
  } catch {
    return false;
  }
}

/**
 * `readTrialEnvironment` for the SDK's entry points. When the environment is
 * the process's own, an unusable one ends the process at once with one line
 * on stderr and exit status 1: it was started as a trial and cannot be one,
 * and a stack trace would only bury the reason in the trial's logs. An
 * environment passed in (tests, embedding) gets the error thrown instead.
 */
export function trialEnvironmentOrExit(env: Env, ownProcess: boolean): TrialEnvironment {
  try {
    return readTrialEnvironment(env);
  } catch (error) {
    if (!ownProcess || !(error instanceof TrialEnvironmentError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

/** A hint, not an order: anything but a well-formed answer means "ask". */
function readOperation(raw: string | undefined): OperationResponse | null {
  if (!raw) return null;
  try {
    const value: unknown = JSON.parse(raw);
    return isOperationResponse(value) ? value : null;
  } catch {
    return null;
  }
}

export function parseHParams(json: string): HParams {
  const value: unknown = JSON.parse(json);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error("expected a JSON object of hyperparameters");
  }
  return value as HParams;
}

/** Every PUSHTUNE_* variable a trial gets, as a map (for launchers, fakes and dry runs). */
export function trialEnvironmentVariables(t: TrialEnvironment): Record<string, string> {
  return {
    PUSHTUNE_MASTER: t.master,
    PUSHTUNE_TOKEN: t.token,
    PUSHTUNE_TRIAL_ID: String(t.trialId),
    PUSHTUNE_EXPERIMENT_ID: String(t.experimentId),
    PUSHTUNE_ALLOCATION_ID: t.allocationId,
    PUSHTUNE_TRIAL_RUN_ID: String(t.runId),
    PUSHTUNE_HPARAMS: JSON.stringify(t.hparams),
    PUSHTUNE_TRIAL_SEED: String(t.trialSeed),
    PUSHTUNE_LATEST_CHECKPOINT: t.latestCheckpoint ?? "",
    PUSHTUNE_CHECKPOINT_DIR: t.checkpointDir,
    PUSHTUNE_EXPERIMENT_CONFIG: JSON.stringify(t.config),
    ...(t.operation ? { PUSHTUNE_OPERATION: JSON.stringify(t.operation) } : {}),
  };
}
