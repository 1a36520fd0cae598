import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  type ExperimentConfig,
  experimentConfigToInput,
  parseExperimentConfig,
  parseExperimentConfigYaml,
} from "../../src/protocol/config/index.js";
import { configToYaml } from "../../src/protocol/config/write-yaml.js";

/** Hyperparameter names with a prefix, so none reads as a spec field (`minval`, `type`). */
const hpName = fc.stringMatching(/^hp_[a-z0-9_]{0,6}$/);

/** No -0: YAML and JSON would not agree on it, and no user writes it. */
const finite = fc
  .double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 })
  .map((x) => (x === 0 ? 0 : x));

const jsonValue = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)));
/** `__proto__` keys are rejected by the parser; keep them out of valid input. */
const hpValue = jsonValue.filter((v) => !JSON.stringify(v).includes('"__proto__"'));

function ordered(a: number, b: number): [number, number] {
  return a <= b ? [a, b] : [b, a];
}

const count = fc.integer({ min: 1, max: 10 });

const { spec } = fc.letrec<{ spec: unknown; group: Record<string, unknown> }>((tie) => ({
  spec: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    hpValue.filter((v) => v === null || typeof v !== "object" || Array.isArray(v)),
    fc.record({ type: fc.constant("const"), val: hpValue }),
    fc
      .tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -1000, max: 1000 }), count)
      .map(([a, b, c]) => {
        const [minval, maxval] = ordered(a, b);
        return { type: "int", minval, maxval, count: c };
      }),
    fc.tuple(finite, finite, count).map(([a, b, c]) => {
      const [minval, maxval] = ordered(a, b);
      return { type: "double", minval, maxval, count: c };
    }),
    fc
      .tuple(
        fc.integer({ min: -8, max: 8 }),
        fc.integer({ min: -8, max: 8 }),
        fc.constantFrom(2, 10, Math.E, 0.5),
        count,
      )
      .map(([a, b, base, c]) => {
        const [minval, maxval] = ordered(a, b);
        return { type: "log", minval, maxval, base, count: c };
      }),
    fc.record({
      type: fc.constant("categorical"),
      vals: fc.array(hpValue, { minLength: 1, maxLength: 4 }),
    }),
    tie("group"),
  ),
  group: fc.dictionary(hpName, tie("spec"), { maxKeys: 3 }),
}));

const hyperparameters = fc.dictionary(hpName, spec, { maxKeys: 5 });

const unit = fc.constantFrom("batches", "records", "epochs", "unitless");
const amount = fc.integer({ min: 1, max: 1_000_000 });
function length(u: string, n: number): unknown {
  return u === "unitless" ? n : { [u]: n };
}

const searcher = fc.oneof(
  fc.record({ name: fc.constant("single") }),
  fc.record({
    name: fc.constant("random"),
    max_trials: fc.integer({ min: 1, max: 100 }),
    max_concurrent_trials: fc.integer({ min: 0, max: 32 }),
  }),
  fc
    .record({ name: fc.constant("grid") }, { requiredKeys: [] })
    .map((s) => ({ ...s, name: "grid" })),
  fc.record(
    {
      name: fc.constant("async_halving"),
      num_rungs: fc.integer({ min: 1, max: 6 }),
      max_trials: fc.integer({ min: 1, max: 100 }),
      divisor: fc.oneof(
        fc.integer({ min: 2, max: 8 }),
        fc.double({ min: 1.1, max: 8, noNaN: true }),
      ),
      stop_once: fc.boolean(),
    },
    { requiredKeys: ["name", "num_rungs", "max_trials"] },
  ),
  fc.record(
    {
      name: fc.constant("adaptive_asha"),
      max_trials: fc.integer({ min: 1, max: 100 }),
      mode: fc.constantFrom("aggressive", "standard", "conservative"),
      max_rungs: fc.integer({ min: 1, max: 8 }),
      bracket_rungs: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 4 }),
      smaller_is_better: fc.boolean(),
    },
    { requiredKeys: ["name", "max_trials"] },
  ),
  fc.record(
    {
      name: fc.constant("tpe"),
      max_trials: fc.integer({ min: 1, max: 100 }),
      n_startup_trials: fc.integer({ min: 0, max: 20 }),
      gamma: fc.double({ min: 0.01, max: 1, noNaN: true }),
      n_ei_candidates: fc.integer({ min: 1, max: 100 }),
      multivariate: fc.boolean(),
    },
    { requiredKeys: ["name", "max_trials"] },
  ),
  fc
    .record(
      {
        name: fc.constantFrom("async_halving", "adaptive_asha"),
        num_rungs: fc.integer({ min: 1, max: 6 }),
        max_trials: fc.integer({ min: 1, max: 100 }),
        sampler: fc.constant("tpe"),
        gamma: fc.double({ min: 0.01, max: 1, noNaN: true }),
      },
      { requiredKeys: ["name", "num_rungs", "max_trials", "sampler"] },
    )
    .map((s) => {
      if (s.name === "async_halving") return s;
      const { num_rungs: _, ...rest } = s;
      return rest;
    }),
);

/** Valid input configs: lengths share one unit, and epochs come with records_per_epoch. */
const validInput = fc
  .record({
    name: fc.string({ maxLength: 12 }),
    entrypoint: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== ""),
    hyperparameters,
    searcher,
    unit,
    maxLength: amount,
    validation: fc.option(amount),
    checkpoint: fc.option(amount),
    records_per_epoch: fc.integer({ min: 1, max: 100000 }),
    seed: fc.integer({ min: 0, max: 0xffffffff }),
    priority: fc.integer({ min: 1, max: 99 }),
    weight: fc.double({ min: 0.01, max: 100, noNaN: true }),
    variables: fc.dictionary(
      fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,6}$/),
      fc.string({ maxLength: 8 }),
      {
        maxKeys: 3,
      },
    ),
  })
  .map((r) => {
    const input: Record<string, unknown> = {
      name: r.name,
      entrypoint: r.entrypoint,
      hyperparameters: r.hyperparameters,
      searcher: {
        ...r.searcher,
        metric: "validation_loss",
        max_length: length(r.unit, r.maxLength),
      },
      reproducibility: { experiment_seed: r.seed },
      resources: { priority: r.priority, weight: r.weight },
      environment: { variables: r.variables },
    };
    if (r.unit === "epochs") input.records_per_epoch = r.records_per_epoch;
    if (r.validation !== null) input.min_validation_period = length(r.unit, r.validation);
    if (r.checkpoint !== null) input.min_checkpoint_period = length(r.unit, r.checkpoint);
    return input;
  })
  // A grid past MAX_GRID_POINTS is refused (config-limits.test.ts); a few nested axes reach it.
  .filter((input) => {
    const result = parseExperimentConfig(input);
    return result.ok || !result.errors.some((e) => e.path === "hyperparameters");
  });

function parsedOk(input: unknown): ExperimentConfig {
  const result = parseExperimentConfig(input);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

describe("valid configs", () => {
  test("every generated valid config parses", () => {
    fc.assert(
      fc.property(validInput, (input) => {
        expect(parseExperimentConfig(input).ok).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test("a parsed config written back as input parses to the same config", () => {
    fc.assert(
      fc.property(validInput, (input) => {
        const config = parsedOk(input);
        expect(parsedOk(experimentConfigToInput(config))).toEqual(config);
      }),
      { numRuns: 300 },
    );
  });

  test("a value holding the key << is written as data, not as a YAML merge key", () => {
    const config = parsedOk({
      entrypoint: "python3 train.py",
      hyperparameters: {
        hp: { type: "categorical", vals: [[{ "<<": false }], { "<<": { a: 1 } }] },
      },
      searcher: { name: "random", metric: "loss", max_trials: 1, max_length: { batches: 1 } },
    });
    expect(parseExperimentConfigYaml(configToYaml(experimentConfigToInput(config)))).toEqual({
      ok: true,
      config,
    });
  });

  test("a parsed config written back as YAML parses to the same config", () => {
    fc.assert(
      fc.property(validInput, (input) => {
        const config = parsedOk(input);
        const result = parseExperimentConfigYaml(configToYaml(experimentConfigToInput(config)));
        expect(result).toEqual({ ok: true, config });
      }),
      { numRuns: 300 },
    );
  });

  test("parsing is deterministic and leaves the input untouched", () => {
    fc.assert(
      fc.property(validInput, (input) => {
        const before = JSON.stringify(input);
        const first = parseExperimentConfig(input);
        expect(parseExperimentConfig(input)).toEqual(first);
        expect(JSON.stringify(input)).toBe(before);
      }),
      { numRuns: 100 },
    );
  });
});
