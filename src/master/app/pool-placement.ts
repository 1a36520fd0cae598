/**
 * Which resource pool an experiment runs in, checked when it is created:
 * only the master knows its pools, so the config parser cannot. An unknown
 * pool, or trials larger than the pool could ever hold, is INVALID_CONFIG
 * naming the field, and nothing is stored; so is a Slurm time limit no
 * longer than the pool's warning before it. A pool of no slots (set aside, or
 * drained for a while) takes experiments: their trials wait until the master
 * is started with slots there.
 */
import { didYouMean } from "../../protocol/config/did-you-mean.js";
import type { ConfigError } from "../../protocol/config/errors.js";
import type { ExperimentConfig } from "../../protocol/config/types.js";
import { timeLimitTooShort } from "../config/master-config.js";
import type { ResourcePools } from "../launcher/resource-pools.js";
import { invalidConfig } from "./config-from-body.js";

/** The config with its pool named (the default pool when it named none); throws INVALID_CONFIG. */
export function placeInPool(config: ExperimentConfig, pools: ResourcePools): ExperimentConfig {
  const errors: ConfigError[] = [];
  const named = config.resources.resource_pool;
  const pool = pools.get(named ?? pools.default.name);
  if (!pool) {
    const hint = didYouMean(named ?? "", pools.names);
    errors.push({
      path: "resources.resource_pool",
      message: `no resource pool "${named}" on this master${hint === "" ? `; it has: ${pools.names.join(", ")}` : hint}`,
    });
  } else if (
    pool.launcher.totalSlots > 0 &&
    config.resources.slots_per_trial > pool.launcher.totalSlots
  ) {
    errors.push({
      path: "resources.slots_per_trial",
      message: `must be at most ${pool.launcher.totalSlots}, the slots of resource pool "${pool.name}", or no trial could ever run, got ${config.resources.slots_per_trial}`,
    });
  }
  const timeLimit = config.resources.slurm?.time_limit;
  const short =
    pool?.warningSeconds !== undefined &&
    timeLimit !== undefined &&
    timeLimitTooShort(timeLimit, pool.warningSeconds, pool.name);
  if (short) errors.push({ path: "resources.slurm.time_limit", message: short });
  if (errors.length > 0 || !pool) throw invalidConfig(errors);
  return { ...config, resources: { ...config.resources, resource_pool: pool.name } };
}
