/**
 * A categorical may mix types (`vals: [1, "1", null, "null", ...]`): in the
 * CLI's tables each choice reads as itself, so two trials that differ only by
 * the type of a choice never look alike.
 */
import { describe, expect, it } from "vitest";
import { type ComparedTrial, compareRows } from "../../src/cli/format/trial-compare.js";
import { formatHparams } from "../../src/cli/format/values.js";
import { hyperparameterSpecs } from "../../src/protocol/analysis/flat-hparams.js";
import type { TrialDetail } from "../../src/protocol/api/resources.js";
import { minimal, parsed } from "../protocol/support/parsed.js";

const VALS = [1, "1", null, "null", true, "true", [1], "", "two", '"two"', "1e-6"];
const specs = hyperparameterSpecs(
  parsed({ ...minimal(), hyperparameters: { a: { type: "categorical", vals: VALS } } }),
);

describe("a categorical of mixed types, in the CLI", () => {
  it("writes a string that reads as another value in quotes, any other bare", () => {
    expect(VALS.map((a) => formatHparams({ a }, specs))).toEqual([
      "a=1",
      'a="1"',
      "a=null",
      'a="null"',
      "a=true",
      'a="true"',
      "a=[1]",
      'a=""',
      "a=two",
      'a="\\"two\\""',
      'a="1e-6"',
    ]);
  });

  it("marks a row of trial compare where the choices differ only in type", () => {
    const compared = [1, "1"].map(
      (a, i): ComparedTrial => ({
        trial: { id: i + 1, hparams: { a }, bestValidation: null } as unknown as TrialDetail,
        specs,
        metric: "loss",
        smallerIsBetter: true,
        atBest: {},
      }),
    );
    const row = compareRows(compared)[0]!;
    expect([row.field, row.differs, row.cells]).toEqual(["a", true, ["1", '"1"']]);
  });
});
