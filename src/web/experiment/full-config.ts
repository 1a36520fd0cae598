/** An experiment's config as the master holds it, written as the YAML a user would write. */
import { experimentConfigToInput } from "../../protocol/config/to-input.js";
import type { ExperimentConfig } from "../../protocol/config/types.js";
import { configToYaml } from "../../protocol/config/write-yaml.js";

/** Every default spelled out; the master parses it back to the same config. */
export function fullConfigYaml(config: unknown): string {
  return configToYaml(experimentConfigToInput(config as ExperimentConfig));
}
