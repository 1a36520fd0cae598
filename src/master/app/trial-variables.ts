/**
 * The `PUSHTUNE_*` variables a trial process starts with (DESIGN §4), on top
 * of its experiment's `environment.variables`: who it is, where the master
 * and its checkpoints are, and, when known, its first operation, so that it
 * need not ask for it.
 */
import type { AllocationRow, ExperimentRow, TrialOpRow, TrialRow } from "../storage/store.js";

export interface TrialVariablesInput {
  exp: ExperimentRow;
  trial: TrialRow;
  alloc: AllocationRow;
  /** The allocation's token (only its hash is stored). */
  token: string;
  /** The trial's next operation as it starts, if it has one. */
  op: TrialOpRow | null;
  /** The URL trials reach the master at. */
  masterUrl: string;
  checkpointDir: string;
}

export function trialVariables(v: TrialVariablesInput): Record<string, string> {
  const { exp, trial, alloc, op } = v;
  return {
    ...exp.config.environment.variables,
    PUSHTUNE_MASTER: v.masterUrl,
    PUSHTUNE_TOKEN: v.token,
    PUSHTUNE_TRIAL_ID: String(trial.id),
    PUSHTUNE_EXPERIMENT_ID: String(exp.id),
    PUSHTUNE_ALLOCATION_ID: alloc.id,
    PUSHTUNE_TRIAL_RUN_ID: String(alloc.runId),
    ...longVariables(exp, trial),
    PUSHTUNE_TRIAL_SEED: String(trial.trialSeed),
    PUSHTUNE_LATEST_CHECKPOINT: trial.latestCheckpointUuid ?? "",
    PUSHTUNE_CHECKPOINT_DIR: v.checkpointDir,
    ...(op
      ? { PUSHTUNE_OPERATION: JSON.stringify({ op: { length: op.length }, completed: false }) }
      : {}),
  };
}

/**
 * The variables whose values grow with the experiment's config (the
 * protocol's LONG_VARIABLES): a launcher leaves them out of a process's
 * environment when too long to pass, and the trial reads them from
 * `GET /allocations/{id}/environment`.
 */
export function longVariables(exp: ExperimentRow, trial: TrialRow): Record<string, string> {
  return {
    PUSHTUNE_HPARAMS: JSON.stringify(trial.hparams),
    PUSHTUNE_EXPERIMENT_CONFIG: JSON.stringify(exp.config),
  };
}
