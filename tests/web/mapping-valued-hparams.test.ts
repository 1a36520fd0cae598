/**
 * A hyperparameter whose value is a mapping (a categorical's choice, a const)
 * is one column, each distinct value one category, in the trials table, the
 * parallel coordinates, the importance and the scatters; only a nested group
 * of the config becomes `model.depth` columns.
 */
import { describe, expect, test } from "vitest";
import { flattenHparams } from "../../src/protocol/analysis/flat-hparams.js";
import { buildAxes } from "../../src/web/experiment/brush.js";
import { hparamColumns } from "../../src/web/experiment/hparams.js";
import { importances } from "../../src/web/experiment/importance.js";
import { parseFilter } from "../../src/web/experiment/trial-filter.js";
import { mappingSpecs, mappingTrials } from "../protocol/support/mapping-hparams.js";

const ADAM = '{"name":"adam","beta":0.9}';
const SGD = '{"name":"sgd","momentum":0.5}';
const HEAD = '{"act":"relu","units":8}';

const flat = mappingTrials.map((h) => flattenHparams(h, mappingSpecs));

describe("hyperparameters whose values are mappings", () => {
  test("a categorical of mappings and a const mapping are one column each, written as the config writes them", () => {
    expect(flat).toEqual([
      { lr: 0.001, optimizer: ADAM, "model.depth": 1, "model.head": HEAD },
      { lr: 0.01, optimizer: SGD, "model.depth": 2, "model.head": HEAD },
      { lr: 0.1, optimizer: ADAM, "model.depth": 3, "model.head": HEAD },
    ]);
  });

  test("the columns have each distinct mapping as one category, and log comes from the parsed config", () => {
    expect(hparamColumns(flat, mappingSpecs)).toEqual([
      { key: "lr", numeric: true, log: true, categories: [], constant: false, range: [1e-4, 0.1] },
      {
        key: "model.depth",
        numeric: true,
        log: false,
        categories: [],
        constant: false,
        range: [1, 3],
      },
      {
        key: "optimizer",
        numeric: false,
        log: false,
        categories: [ADAM, SGD],
        constant: false,
        range: null,
      },
      {
        key: "model.head",
        numeric: false,
        log: false,
        categories: [HEAD],
        constant: true,
        range: null,
      },
    ]);
  });

  test("the parallel coordinates and the importance have one optimizer axis; the filter finds a choice", () => {
    const trials = mappingTrials.map((hparams, i) => ({
      id: i + 1,
      hparams,
      bestValidation: i === 1 ? 0.9 : 0.1 * (i + 1),
    })) as unknown as Parameters<typeof buildAxes>[0];
    const axes = buildAxes(trials, flat, hparamColumns(flat, mappingSpecs), "loss");
    expect(axes.map((a) => [a.key, a.kind])).toEqual([
      ["lr", "log"],
      ["model.depth", "linear"],
      ["optimizer", "categorical"],
      ["loss", "linear"],
    ]);
    expect(Array.from(axes[2]!.values)).toEqual([0, 1, 0]);
    expect(importances(axes).map((r) => r.key)).toContain("optimizer");
    const rows = flat.map((f, i) => ({ id: i + 1, state: "COMPLETED", flat: f, extra: {} }));
    expect(rows.filter(parseFilter("momentum")).map((r) => r.id)).toEqual([2]);
  });
});
