import { describe, expect, test } from "vitest";
import { minimal, parsed } from "./support/parsed.js";

describe("hyperparameters", () => {
  test("bare values of every kind are constants", () => {
    const config = parsed({
      ...minimal(),
      hyperparameters: { n: 3, s: "adam", b: false, z: null, l: [1, "two", { three: 3 }] },
    });
    expect(config.hyperparameters).toEqual({
      n: { type: "const", val: 3 },
      s: { type: "const", val: "adam" },
      b: { type: "const", val: false },
      z: { type: "const", val: null },
      l: { type: "const", val: [1, "two", { three: 3 }] },
    });
  });

  test("an explicit const may hold a mapping", () => {
    const config = parsed({
      ...minimal(),
      hyperparameters: { opt: { type: "const", val: { name: "adam", betas: [0.9, 0.99] } } },
    });
    expect(config.hyperparameters.opt).toEqual({
      type: "const",
      val: { name: "adam", betas: [0.9, 0.99] },
    });
  });

  test("mappings without a type nest, to any depth", () => {
    const config = parsed({
      ...minimal(),
      hyperparameters: {
        model: {
          encoder: { layers: { type: "int", minval: 1, maxval: 4 }, act: "relu" },
          head: {},
        },
      },
    });
    expect(config.hyperparameters.model).toEqual({
      type: "object",
      fields: {
        encoder: {
          type: "object",
          fields: {
            layers: { type: "int", minval: 1, maxval: 4 },
            act: { type: "const", val: "relu" },
          },
        },
        head: { type: "object", fields: {} },
      },
    });
  });

  test("a hyperparameter may be called type when its value is a spec", () => {
    const config = parsed({
      ...minimal(),
      hyperparameters: { block: { type: { type: "categorical", vals: ["a", "b"] } } },
    });
    expect(config.hyperparameters.block).toEqual({
      type: "object",
      fields: { type: { type: "categorical", vals: ["a", "b"] } },
    });
  });

  test("log defaults its base to 10", () => {
    const config = parsed({
      ...minimal(),
      hyperparameters: { lr: { type: "log", minval: -3, maxval: -1 } },
    });
    expect(config.hyperparameters.lr).toEqual({ type: "log", minval: -3, maxval: -1, base: 10 });
  });

  test("minval equal to maxval is a valid one-point range", () => {
    const config = parsed({
      ...minimal(),
      hyperparameters: { d: { type: "double", minval: 0.5, maxval: 0.5 } },
    });
    expect(config.hyperparameters.d).toEqual({ type: "double", minval: 0.5, maxval: 0.5 });
  });

  test("count on a non-grid searcher is accepted and kept", () => {
    const config = parsed({
      ...minimal(),
      hyperparameters: { h: { type: "int", minval: 1, maxval: 9, count: 3 } },
    });
    expect(config.hyperparameters.h).toEqual({ type: "int", minval: 1, maxval: 9, count: 3 });
  });

  test("grid accepts categorical and const axes without count", () => {
    const config = parsed({
      ...minimal({ name: "grid" }),
      hyperparameters: {
        opt: { type: "categorical", vals: ["adam", "sgd"] },
        bs: 32,
        lr: { type: "log", minval: -3, maxval: -1, count: 3 },
      },
    });
    expect(config.searcher.name).toBe("grid");
  });

  test("global_batch_size is taken from a const numeric hyperparameter", () => {
    const withConst = parsed({ ...minimal(), hyperparameters: { global_batch_size: 128 } });
    expect(withConst.global_batch_size).toBe(128);
    const searched = parsed({
      ...minimal(),
      hyperparameters: { global_batch_size: { type: "categorical", vals: [32, 64] } },
    });
    expect(searched.global_batch_size).toBeNull();
    const nested = parsed({ ...minimal(), hyperparameters: { model: { global_batch_size: 8 } } });
    expect(nested.global_batch_size).toBeNull();
  });

  test("the parsed config shares no objects with the input", () => {
    const list = [1, 2];
    const input = { ...minimal(), hyperparameters: { l: list } };
    const config = parsed(input);
    list.push(3);
    expect(config.hyperparameters.l).toEqual({ type: "const", val: [1, 2] });
  });
});

describe("lengths", () => {
  test.each([
    [{ batches: 1000 }, { unit: "batches", value: 1000 }],
    [{ records: 64000 }, { unit: "records", value: 64000 }],
    [{ epochs: 3 }, { unit: "epochs", value: 3 }],
    [500, { unit: "unitless", value: 500 }],
  ])("max_length %j normalises to %j", (maxLength, expected) => {
    const config = parsed({
      ...minimal({ max_length: maxLength }),
      records_per_epoch: 60000,
    });
    expect(config.searcher.max_length).toEqual(expected);
  });

  test("periods in the same unit as max_length need no conversion", () => {
    const config = parsed({
      ...minimal({ max_length: { records: 6400 } }),
      min_validation_period: { records: 640 },
      min_checkpoint_period: { records: 1280 },
    });
    expect(config.min_validation_period).toEqual({ unit: "records", value: 640 });
    expect(config.min_checkpoint_period).toEqual({ unit: "records", value: 1280 });
  });

  test("unitless periods go with a unitless max_length", () => {
    const config = parsed({ ...minimal({ max_length: 100 }), min_validation_period: 10 });
    expect(config.min_validation_period).toEqual({ unit: "unitless", value: 10 });
  });

  test("records periods go with a batches max_length when global_batch_size is known", () => {
    const config = parsed({
      ...minimal({ max_length: { batches: 1000 } }),
      hyperparameters: { global_batch_size: 32 },
      min_validation_period: { records: 3200 },
    });
    expect(config.min_validation_period).toEqual({ unit: "records", value: 3200 });
  });

  test("epoch periods go with a records max_length when records_per_epoch is known", () => {
    const config = parsed({
      ...minimal({ max_length: { records: 100000 } }),
      records_per_epoch: 10000,
      min_checkpoint_period: { epochs: 1 },
    });
    expect(config.min_checkpoint_period).toEqual({ unit: "epochs", value: 1 });
  });

  test("epoch periods go with a batches max_length when both conversions are known", () => {
    const config = parsed({
      ...minimal({ max_length: { batches: 1000 } }),
      hyperparameters: { global_batch_size: 10 },
      records_per_epoch: 1000,
      min_validation_period: { epochs: 1 },
    });
    expect(config.min_validation_period).toEqual({ unit: "epochs", value: 1 });
  });
});
