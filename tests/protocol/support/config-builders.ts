/** Builders for the bad-config tables: a valid base config, broken one way per case. */
import { expect } from "vitest";
import {
  type ConfigError,
  parseExperimentConfig,
  parseExperimentConfigYaml,
} from "../../../src/protocol/config/index.js";

/** A valid config; each case below breaks it in one way (or several, on purpose). */
export function base() {
  return {
    entrypoint: "node train.js",
    hyperparameters: { global_batch_size: 32 } as Record<string, unknown>,
    searcher: {
      name: "random",
      metric: "validation_loss",
      max_length: { batches: 1000 },
      max_trials: 4,
    } as Record<string, unknown>,
  };
}

/**
 * The base config with top-level fields and searcher fields replaced; a value
 * of `undefined` removes the field. A `searcher` in `top` replaces the section.
 */
export function cfg(top: Record<string, unknown> = {}, searcher: Record<string, unknown> = {}) {
  const b = base();
  const out: Record<string, unknown> = { ...b, searcher: { ...b.searcher, ...searcher }, ...top };
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  const s = out.searcher;
  if (typeof s === "object" && s !== null && !Array.isArray(s)) {
    for (const [k, v] of Object.entries(s))
      if (v === undefined) delete (s as Record<string, unknown>)[k];
  }
  return out;
}

export function hp(hyperparameters: Record<string, unknown>) {
  return cfg({ hyperparameters: { global_batch_size: 32, ...hyperparameters } });
}

export interface Case {
  title: string;
  /** A config as data, or YAML text. */
  input: unknown;
  /** Every error expected: its exact path and a fragment of its message. */
  errors: [path: string, fragment: string][];
}

/** A case's input parsed: YAML text as a file's, data as a request body's. */
export function parseInput(input: unknown) {
  return typeof input === "string"
    ? parseExperimentConfigYaml(input)
    : parseExperimentConfig(input);
}

/**
 * Checks a case: its input (YAML text or data) is refused with exactly the
 * errors' paths, each with a message holding its fragment.
 */
export function expectCaseErrors({ input, errors }: Case): void {
  const result = parseInput(input);
  const got: ConfigError[] = result.ok ? [] : result.errors;
  expect(got.map((e) => e.path).sort()).toEqual(errors.map(([path]) => path).sort());
  for (const [path, fragment] of errors) {
    const messages = got.filter((e) => e.path === path).map((e) => e.message);
    expect(messages, `messages at ${JSON.stringify(path)}`).toContainEqual(
      expect.stringContaining(fragment),
    );
  }
}
