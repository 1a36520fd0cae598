/** Experiments' configs for the push path, which reads one at every push. */
import { ApiError } from "../../protocol/api/errors.js";
import type { ExperimentConfig } from "../../protocol/config/types.js";
import type { Store } from "../storage/store.js";
import { keepNewest } from "./keep-newest.js";

/** How many experiments' configs are kept: those of experiments that ended go out in time, deleted ones at once. */
const KEPT_CONFIGS = 256;

/** Configs never change once stored, so the recent ones are kept. */
export class ExperimentConfigs {
  private readonly configs = new Map<number, ExperimentConfig>();

  constructor(private readonly store: Store) {}

  async get(experimentId: number): Promise<ExperimentConfig> {
    const cached = this.configs.get(experimentId);
    if (cached) return cached;
    const exp = await this.store.getExperiment(experimentId);
    if (!exp) throw new ApiError("EXPERIMENT_NOT_FOUND", `no experiment ${experimentId}`);
    this.configs.set(experimentId, exp.config);
    keepNewest(this.configs, KEPT_CONFIGS);
    return exp.config;
  }

  /** The experiment is deleted: its config is read no more. */
  forget(experimentId: number): void {
    this.configs.delete(experimentId);
  }
}
