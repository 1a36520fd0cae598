/** The experiment config: its normalised type, the parser and its errors (DESIGN §2). */

export type { ConfigError, ParseResult } from "./errors.js";
export { formatConfigErrors } from "./errors.js";
export { HYPERPARAMETER_TYPES } from "./hyperparameters.js";
export { LENGTH_UNITS } from "./lengths.js";
export {
  DEFAULT_NAME,
  type ParseOptions,
  parseExperimentConfig,
  TOP_LEVEL_FIELDS,
} from "./parse.js";
export { parseExperimentConfigYaml } from "./parse-yaml.js";
export { ASHA_MODES, SEARCHER_DEFAULTS, SEARCHER_NAMES } from "./searcher-config.js";
export { experimentConfigToInput, lengthToInput } from "./to-input.js";
export type * from "./types.js";
