/**
 * An experiment config as a request carries it (an object, or YAML text),
 * parsed. Pure, so it can also run off the event loop (pure-work-worker.ts).
 */
import { ApiError } from "../../protocol/api/errors.js";
import { REDACTED } from "../../protocol/api/resources.js";
import type { ConfigError } from "../../protocol/config/errors.js";
import { parseExperimentConfig, parseExperimentConfigYaml } from "../../protocol/config/index.js";
import type { ExperimentConfig } from "../../protocol/config/types.js";

/** Parses a config given as an object or YAML text; throws INVALID_CONFIG with every error. */
export function configFromBody(
  body: { config?: unknown; configYaml?: string },
  defaultSeed?: number,
): {
  config: ExperimentConfig;
  yaml: string | null;
} {
  if ((body.config === undefined) === (body.configYaml === undefined)) {
    throw new ApiError(
      "BAD_REQUEST",
      "give exactly one of `config` (an object) or `configYaml` (text)",
    );
  }
  const options = defaultSeed === undefined ? {} : { defaultSeed };
  const result =
    body.configYaml !== undefined
      ? parseExperimentConfigYaml(body.configYaml, options)
      : parseExperimentConfig(body.config, options);
  if (!result.ok) throw invalidConfig(result.errors);
  const hidden = Object.entries(result.config.environment.variables).filter(
    ([, value]) => value === REDACTED,
  );
  if (hidden.length > 0)
    throw invalidConfig(
      hidden.map(([name]) => ({
        path: `environment.variables.${name}`,
        message: `reads "${REDACTED}", the mark of a value hidden from you: write its value, or leave the variable out`,
      })),
    );
  return { config: result.config, yaml: body.configYaml ?? null };
}

/** INVALID_CONFIG with every error in its details and the first in its message. */
export function invalidConfig(errors: readonly ConfigError[]): ApiError {
  const first = errors[0];
  return new ApiError(
    "INVALID_CONFIG",
    `invalid experiment config: ${errors.length} error(s)${first ? `; ${first.path || "(root)"}: ${first.message}` : ""}`,
    { errors },
  );
}
