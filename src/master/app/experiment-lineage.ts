/**
 * New experiments made from old ones, as Determined makes them:
 *
 * - **fork**: a new experiment from an experiment's config (as the master
 *   holds it, every default spelled out) or from an edited one, in the same
 *   workdir. The source is not touched.
 * - **continue a trial**: a new experiment with a `single` search of one
 *   trial, with the ended trial's hyperparameters as constants and
 *   `searcher.source_checkpoint_uuid` set to its latest checkpoint, trained to
 *   a larger total length. Lengths are absolute, so the new trial resumes at
 *   the checkpoint's step and trains on to the new length. The ended trial and
 *   its experiment keep their end states: an ended experiment's searcher has
 *   closed its search, and reopening it would change what its replayed event
 *   log means.
 */
import { ApiError } from "../../protocol/api/errors.js";
import type { ContinueTrialBody, ForkExperimentBody } from "../../protocol/api/resources.js";
import { experimentConfigToInput, lengthToInput } from "../../protocol/config/to-input.js";
import type {
  ExperimentConfig,
  HParamValue,
  HyperparameterSpec,
} from "../../protocol/config/types.js";
import { latestFirst } from "../domain/index.js";
import { isTerminal } from "../domain/run-state.js";
import type { CheckpointRow, ExperimentRow, Store, TrialRow, UserRow } from "../storage/store.js";
import { checkpointDir } from "./checkpoint-files.js";
import type { MasterContext } from "./context.js";
import type { ExperimentService } from "./experiment-service.js";
import { mayChange } from "./principal.js";

/**
 * A config's `searcher.source_checkpoint_uuid` must name a stored checkpoint
 * that the new experiment's trials can read: in the same checkpoint storage.
 */
export async function checkSourceCheckpoint(
  ctx: MasterContext,
  config: ExperimentConfig,
): Promise<void> {
  const uuid = config.searcher.source_checkpoint_uuid;
  if (uuid === undefined) return;
  const path = "searcher.source_checkpoint_uuid";
  const ckpt = await ctx.store.getCheckpoint(uuid);
  if (!ckpt) throw new ApiError("CHECKPOINT_NOT_FOUND", `${path}: no checkpoint ${uuid}`);
  if (ckpt.state !== "ACTIVE")
    throw new ApiError(
      "BAD_REQUEST",
      `${path}: checkpoint ${uuid} is ${ckpt.state}: its files are gone`,
    );
  const owner = await ctx.store.getExperiment(ckpt.experimentId);
  const from = owner ? checkpointDir(ctx, owner.config) : null;
  if (from !== checkpointDir(ctx, config))
    throw new ApiError(
      "BAD_REQUEST",
      `${path}: checkpoint ${uuid} is stored in ${from}, but this experiment's checkpoint_storage is ${checkpointDir(ctx, config)}; use the same checkpoint_storage`,
    );
}

export class ExperimentLineage {
  constructor(
    private readonly ctx: MasterContext,
    private readonly experiments: ExperimentService,
  ) {}

  /** A new experiment from experiment `id`'s config, or from the config given. */
  async fork(id: number, body: ForkExperimentBody, user: UserRow): Promise<ExperimentRow> {
    const source = await this.experiments.get(id);
    const given = body.config !== undefined || body.configYaml !== undefined;
    if (!given) this.requireVisibleConfig(source, user);
    return this.experiments.create(
      {
        ...(given
          ? { config: body.config, configYaml: body.configYaml }
          : { config: experimentConfigToInput(source.config) }),
        workdir: source.workdir,
        ...(body.name === undefined ? {} : { name: body.name }),
        ...(body.activate === undefined ? {} : { activate: body.activate }),
      },
      user.id,
    );
  }

  /** A new one-trial experiment that trains ended trial `trialId` on from its latest checkpoint. */
  async continueTrial(
    trialId: number,
    body: ContinueTrialBody,
    user: UserRow,
  ): Promise<ExperimentRow> {
    const trial = await this.ctx.store.getTrial(trialId);
    if (!trial) throw new ApiError("TRIAL_NOT_FOUND", `no trial ${trialId}`);
    if (!isTerminal(trial.state))
      throw new ApiError(
        "INVALID_TRANSITION",
        `trial ${trialId} is ${trial.state}: only an ended trial can be continued`,
      );
    const source = await this.experiments.get(trial.experimentId);
    this.requireVisibleConfig(source, user);
    const ckpt = await latestStored(this.ctx.store, trial);
    if (!ckpt)
      throw new ApiError(
        "BAD_REQUEST",
        `trial ${trialId} has no stored checkpoint to continue from`,
      );
    const unit = source.config.searcher.max_length.unit;
    const trained = Math.max(trial.lengthTrained, ckpt.stepsCompleted);
    if (body.length <= trained)
      throw new ApiError(
        "BAD_REQUEST",
        `length must be larger than the ${trained}${unit === "unitless" ? "" : ` ${unit}`} trial ${trialId} has trained, got ${body.length}`,
      );
    const input = experimentConfigToInput(source.config);
    const { searcher } = source.config;
    input.name = body.name ?? `${source.name} (trial ${trialId} continued)`;
    input.hyperparameters = constants(source.config.hyperparameters, trial.hparams);
    input.searcher = {
      name: "single",
      metric: searcher.metric,
      smaller_is_better: searcher.smaller_is_better,
      max_length: lengthToInput({ unit, value: body.length }),
      source_checkpoint_uuid: ckpt.uuid,
    };
    return this.experiments.create(
      {
        config: input,
        workdir: source.workdir,
        ...(body.activate === undefined ? {} : { activate: body.activate }),
      },
      user.id,
    );
  }

  /** A config copied whole must not carry values its caller may not see. */
  private requireVisibleConfig(source: ExperimentRow, user: UserRow): void {
    if (mayChange(user, source)) return;
    if (Object.keys(source.config.environment.variables).length === 0) return;
    throw new ApiError(
      "FORBIDDEN",
      `experiment ${source.id}'s environment.variables are hidden from you; give a whole config instead`,
    );
  }
}

/**
 * The checkpoint a continued trial starts from: the trial's latest, the one it
 * would have been resumed from; when that one is gone, the next of its stored
 * checkpoints in the keep rule's order of "latest".
 */
async function latestStored(store: Store, trial: TrialRow): Promise<CheckpointRow | null> {
  const latest = trial.latestCheckpointUuid
    ? await store.getCheckpoint(trial.latestCheckpointUuid)
    : null;
  if (latest?.state === "ACTIVE") return latest;
  const stored = await store.listCheckpoints({ trialId: trial.id });
  return latestFirst(stored, trial.latestCheckpointUuid)[0] ?? null;
}

/** A trial's hyperparameters as constants, nested groups kept as groups. */
function constants(
  specs: Record<string, HyperparameterSpec>,
  values: Record<string, HParamValue>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    const spec = specs[name];
    out[name] =
      spec?.type === "object" &&
      value !== null &&
      typeof value === "object" &&
      !Array.isArray(value)
        ? constants(spec.fields, value as Record<string, HParamValue>)
        : { type: "const", val: value };
  }
  return out;
}
