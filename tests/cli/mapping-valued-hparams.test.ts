/**
 * In the CLI's tables, a hyperparameter whose value is a mapping (a
 * categorical's choice, a const) is one value, written as its JSON; only a
 * nested group of the config is written `model.depth`.
 */
import { describe, expect, it } from "vitest";
import { type ComparedTrial, compareRows } from "../../src/cli/format/trial-compare.js";
import { formatHparams } from "../../src/cli/format/values.js";
import type { TrialDetail } from "../../src/protocol/api/resources.js";
import { mappingSpecs, mappingTrials } from "../protocol/support/mapping-hparams.js";

const ADAM = '{"name":"adam","beta":0.9}';
const HEAD = '{"act":"relu","units":8}';

describe("hyperparameters whose values are mappings, in the CLI", () => {
  it("are key=JSON in a trial's hyperparameters, next to a nested group's dotted keys", () => {
    expect(formatHparams(mappingTrials[2]!, mappingSpecs)).toBe(
      `lr=0.1 optimizer=${ADAM} model.depth=3 model.head=${HEAD}`,
    );
  });

  it("are one row of trial compare, marked where the choices differ", () => {
    const compared = mappingTrials.slice(0, 2).map(
      (hparams, i): ComparedTrial => ({
        trial: { id: i + 1, hparams, bestValidation: null } as unknown as TrialDetail,
        specs: mappingSpecs,
        metric: "loss",
        smallerIsBetter: true,
        atBest: {},
      }),
    );
    const rows = compareRows(compared);
    expect(rows.slice(0, 4).map((r) => [r.field, r.differs])).toEqual([
      ["lr", true],
      ["optimizer", true],
      ["model.depth", true],
      ["model.head", false],
    ]);
    expect(rows[1]!.cells).toEqual([ADAM, '{"name":"sgd","momentum":0.5}']);
  });
});
