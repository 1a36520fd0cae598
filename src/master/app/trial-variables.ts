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
    PUSHTUNE_HPARAMS: JSON.stringify(trial.hparams),
    PUSHTUNE_TRIAL_SEED: String(trial.trialSeed),
    PUSHTUNE_LATEST_CHECKPOINT: trial.latestCheckpointUuid ?? "",
    PUSHTUNE_CHECKPOINT_DIR: v.checkpointDir,
    PUSHTUNE_EXPERIMENT_CONFIG: JSON.stringify(exp.config),
    ...(op
      ? { PUSHTUNE_OPERATION: JSON.stringify({ op: { length: op.length }, completed: false }) }
      : {}),
  };
}
