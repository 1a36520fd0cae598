/**
 * The experiment config as the SDK sees it. On the master, the trial gets the
 * normalised config (PUSHTUNE_EXPERIMENT_CONFIG), checked again here with the
 * master's own parser. Off the master (dry runs, `FakeMaster`) the config is the
 * parser's defaults plus a few overrides.
 */
// Direct imports, not the config index: a trial must not load the YAML parser.
import { formatConfigErrors, type ParseResult } from "../protocol/config/errors.js";
import { parseExperimentConfig } from "../protocol/config/parse.js";
import { experimentConfigToInput } from "../protocol/config/to-input.js";
import type { ExperimentConfig, SearcherConfig } from "../protocol/config/types.js";

/** What a trial may want to set for a local run; everything else keeps its default. */
export type ConfigOverrides = Partial<Omit<ExperimentConfig, "searcher">> & {
  searcher?: Partial<Pick<SearcherConfig, "metric" | "smaller_is_better" | "max_length">>;
};

/** The smallest config the parser accepts: one `single` search of 100 batches. */
const LOCAL_INPUT = {
  name: "local",
  entrypoint: "node train.js",
  searcher: { name: "single", metric: "validation_loss", max_length: { batches: 100 } },
};

/**
 * The parser's defaults with `overrides` on top, checked as the master would
 * check them (so `global_batch_size` comes from a const hyperparameter, as on
 * the master; a trial reads it from its hparams).
 */
export function localExperimentConfig(overrides: ConfigOverrides = {}): ExperimentConfig {
  const defaults = checked(parseExperimentConfig(LOCAL_INPUT));
  const { searcher, ...rest } = overrides;
  const merged = { ...defaults, ...rest, searcher: { ...defaults.searcher, ...searcher } };
  return checked(parseExperimentConfig(experimentConfigToInput(merged)));
}

/** The last config read, for a process that runs trial after trial of one experiment. */
let lastRead: { json: string; config: ExperimentConfig } | null = null;

/** Reads PUSHTUNE_EXPERIMENT_CONFIG: the normalised config, as JSON. Each call gets its own copy. */
export function readExperimentConfig(json: string): ExperimentConfig {
  if (lastRead?.json !== json) lastRead = { json, config: parseNormalisedConfig(json) };
  return structuredClone(lastRead.config);
}

function parseNormalisedConfig(json: string): ExperimentConfig {
  let input: Record<string, unknown>;
  try {
    input = experimentConfigToInput(JSON.parse(json) as ExperimentConfig);
  } catch (error) {
    throw new Error(`not a normalised experiment config (${(error as Error).message})`);
  }
  // A newer master's config may hold fields this SDK does not know (every default is spelled
  // out): they are the master's concern, and refusing them would fail every trial it starts.
  return checked(parseExperimentConfig(input, { ignoreUnknownFields: true }));
}

function checked(result: ParseResult): ExperimentConfig {
  if (result.ok) return result.config;
  throw new Error(formatConfigErrors(result.errors).replace(/\n/g, "; "));
}
