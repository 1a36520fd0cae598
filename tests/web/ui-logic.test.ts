/** The UI's pure parts: curves grown by cursor pages, the trials filter, hparam columns. */
import { describe, expect, test } from "vitest";
import {
  type FlatHparams,
  flattenHparams,
  hyperparameterSpecs,
} from "../../src/protocol/analysis/flat-hparams.js";
import { appendColumns, emptyCurves, rangeFromZero } from "../../src/web/experiment/curves.js";
import { bestTrial, hparamColumns } from "../../src/web/experiment/hparams.js";
import { parseFilter } from "../../src/web/experiment/trial-filter.js";
import { minimal, parsed } from "../protocol/support/parsed.js";

const page = (rows: [number, number, number][], next: number, more = false) => ({
  metric: "loss",
  trialIds: rows.map((r) => r[0]),
  steps: rows.map((r) => r[1]),
  values: rows.map((r) => r[2]),
  times: rows.map((r) => r[1] * 10),
  next,
  more,
});

describe("curves from validation pages", () => {
  test("pages append per trial, move the cursor and the ranges", () => {
    const c = emptyCurves();
    appendColumns(
      c,
      page(
        [
          [1, 100, 0.9],
          [2, 100, 0.8],
        ],
        7,
      ),
    );
    appendColumns(c, page([[1, 200, 0.5]], 9));
    expect(c.cursor).toBe(9);
    expect(c.points).toBe(3);
    expect(c.byTrial.get(1)).toEqual({
      steps: [100, 200],
      values: [0.9, 0.5],
      times: [1000, 2000],
    });
    expect(c.xRange).toEqual([100, 200]);
    expect(c.yRange).toEqual([0.5, 0.9]);
    // Shown from 0, also when every point is at one length (not 96 to 104).
    expect(rangeFromZero(c.xRange)).toEqual([0, 200]);
    expect(rangeFromZero([100, 100])).toEqual([0, 100]);
    expect(rangeFromZero([0, 0])).toEqual([0, 1]);
    const version = c.version;
    appendColumns(c, page([], 12));
    expect(c.version).toBe(version);
    expect(c.cursor).toBe(12);
  });

  test("a trial reporting an earlier step again restarted: its later points are replaced", () => {
    const c = emptyCurves();
    appendColumns(
      c,
      page(
        [
          [1, 100, 0.9],
          [1, 200, 0.7],
          [1, 300, 0.2],
        ],
        3,
      ),
    );
    appendColumns(c, page([[1, 200, 0.75]], 4));
    expect(c.byTrial.get(1)).toEqual({
      steps: [100, 200],
      values: [0.9, 0.75],
      times: [1000, 2000],
    });
    expect(c.points).toBe(2);
    expect(c.yRange).toEqual([0.75, 0.9]);
  });
});

describe("the trials filter", () => {
  const row = (id: number, state: string, flat: FlatHparams, best: number | null) => ({
    id,
    state,
    flat,
    extra: { best, latest: best, length: 100, restarts: 0 },
  });
  const rows = [
    row(1, "ACTIVE", { lr: 0.001, optimizer: "adam", "model.depth": 2 }, 0.5),
    row(2, "COMPLETED", { lr: 0.1, optimizer: "sgd", "model.depth": 3 }, 0.2),
    row(3, "ERROR", { lr: 0.01, optimizer: "sgd", "model.depth": 1 }, null),
  ];
  const ids = (text: string) => rows.filter(parseFilter(text)).map((r) => r.id);

  test.each([
    ["", [1, 2, 3]],
    ["sgd", [2, 3]],
    ["optimizer=adam", [1]],
    ["lr<0.05", [1, 3]],
    ["lr>=0.01 optimizer=sgd", [2, 3]],
    ["model.depth!=2", [2, 3]],
    ["best<0.3", [2]],
    ["error", [3]],
    ["3", [2, 3]],
  ])("%j keeps trials %j", (text, expected) => {
    expect(ids(text)).toEqual(expected);
  });
});

describe("hyperparameter columns", () => {
  test("nested hparams become dotted columns; constants go last; log comes from the config", () => {
    const specs = hyperparameterSpecs(
      parsed({
        ...minimal(),
        hyperparameters: {
          lr: { type: "log", minval: -4, maxval: -1 },
          opt: { type: "categorical", vals: ["adam", "sgd"] },
          batch: 64,
          model: { depth: { type: "int", minval: 1, maxval: 3 } },
        },
      }),
    );
    const flat = [
      flattenHparams({ lr: 0.1, opt: "adam", batch: 64, model: { depth: 2 } }, specs),
      flattenHparams({ lr: 0.01, opt: "sgd", batch: 64, model: { depth: 3 } }, specs),
    ];
    expect(hparamColumns(flat, specs)).toEqual([
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
        key: "opt",
        numeric: false,
        log: false,
        categories: ["adam", "sgd"],
        constant: false,
        range: null,
      },
      { key: "batch", numeric: true, log: false, categories: [], constant: true, range: null },
    ]);
  });

  test("the best trial follows the search's direction and skips trials without a validation", () => {
    const t = (id: number, bestValidation: number | null) =>
      ({ id, bestValidation }) as Parameters<typeof bestTrial>[0][number];
    const trials = [t(1, 0.5), t(2, null), t(3, 0.2), t(4, 0.9)];
    expect(bestTrial(trials, true)?.id).toBe(3);
    expect(bestTrial(trials, false)?.id).toBe(4);
    expect(bestTrial([t(1, null)], true)).toBeNull();
  });
});
