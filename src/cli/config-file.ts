/** Reading an experiment config file, for the commands that take one. */
import { readFile } from "node:fs/promises";
import type { ExperimentConfig } from "../protocol/config/types.js";
import { CliError } from "./errors.js";

/**
 * The config at `path`, parsed and checked; a usage error (exit 2) naming
 * the file when it cannot be read or is not a valid config. The parser (YAML
 * and every section's rules) is loaded here, by the commands that read a
 * config, not at every start of the CLI.
 */
export async function readConfigFile(
  path: string,
): Promise<{ config: ExperimentConfig; text: string }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new CliError(
      `cannot read config ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      2,
    );
  }
  const { formatConfigErrors, parseExperimentConfigYaml } = await import(
    "../protocol/config/index.js"
  );
  const result = parseExperimentConfigYaml(text);
  if (!result.ok)
    throw new CliError(
      `${path} is not a valid experiment config:\n${formatConfigErrors(result.errors)}`,
      2,
    );
  return { config: result.config, text };
}
