/** The analysis views' pure parts: optimization history, the parallel-coordinates brush, importance. */
import { describe, expect, test } from "vitest";
import type { HParamSpecs } from "../../src/protocol/analysis/flat-hparams.js";
import { optimizationHistory } from "../../src/protocol/analysis/optimization-history.js";
import {
  type Axis,
  axisTicks,
  brushMask,
  buildAxes,
  formatBrush,
  parseBrush,
  roundRange,
} from "../../src/web/experiment/brush.js";
import { hparamColumns } from "../../src/web/experiment/hparams.js";
import { directionNote, importances, ranks } from "../../src/web/experiment/importance.js";
import { fitText, titleWidths } from "../../src/web/experiment/pc-titles.js";
import { seeded } from "./support/seed-experiment.js";

describe("optimization history", () => {
  test("sorts by report time, counts each trial's furthest length once, and steps the best down", () => {
    // [trial, step, value, time]; trial 1 restarts from 100 and validates 200 again.
    const rows = [
      [1, 100, 0.9, 10],
      [2, 100, 0.7, 20],
      [1, 200, 0.8, 30],
      [2, 200, 0.75, 15 + 30],
      [1, 150, 0.85, 47],
      [1, 200, 0.6, 50],
      [3, 100, 0.65, 25],
    ];
    const h = optimizationHistory(
      {
        trialIds: rows.map((r) => r[0]!),
        steps: rows.map((r) => r[1]!),
        values: rows.map((r) => r[2]!),
        times: rows.map((r) => r[3]!),
      },
      true,
    );
    expect(Array.from(h.times)).toEqual([10, 20, 25, 30, 45, 47, 50]);
    expect(Array.from(h.trialIds)).toEqual([1, 2, 3, 1, 2, 1, 1]);
    expect(Array.from(h.compute)).toEqual([100, 200, 300, 400, 500, 500, 500]);
    expect(Array.from(h.best)).toEqual([0.9, 0.7, 0.65, 0.65, 0.65, 0.65, 0.6]);
    expect(h.improvements).toEqual([0, 1, 2, 6]);
    // Times that are not whole milliseconds are sorted the slow way, to the same order.
    const frac = optimizationHistory(
      {
        trialIds: rows.map((r) => r[0]!),
        steps: rows.map((r) => r[1]!),
        values: rows.map((r) => r[2]!),
        times: rows.map((r) => r[3]! + 0.5),
      },
      true,
    );
    expect(Array.from(frac.trialIds)).toEqual(Array.from(h.trialIds));
    const up = optimizationHistory(
      { trialIds: [1, 2], steps: [1, 1], values: [1, 2], times: [1, 2] },
      false,
    );
    expect(h.improvements.length).toBeGreaterThan(0);
    expect(Array.from(up.best)).toEqual([1, 2]);
  });
});

const logLr: HParamSpecs = { lr: { type: "log", minval: -4, maxval: -1, base: 10 } };

function trialsOf(
  hparams: Record<string, unknown>[],
  metric: (h: Record<string, unknown>) => number | null,
) {
  return hparams.map((h, i) => ({
    id: i + 1,
    hparams: h,
    bestValidation: metric(h),
  })) as unknown as Parameters<typeof buildAxes>[0];
}

describe("the parallel-coordinates brush", () => {
  const hparams = [
    { lr: 0.001, opt: "adam" },
    { lr: 0.01, opt: "sgd" },
    { lr: 0.1, opt: "adam" },
    { lr: 0.05, opt: "a,b|c" },
  ];
  const trials = trialsOf(hparams, (h) => (h.opt === "sgd" ? null : Number(h.lr) * 10));
  const axes = buildAxes(trials, hparams, hparamColumns(hparams, logLr), "loss");

  test("has one axis per varying hyperparameter, log and categorical ones, and the metric last", () => {
    expect(axes.map((a) => [a.key, a.kind])).toEqual([
      ["lr", "log"],
      ["opt", "categorical"],
      ["loss", "linear"],
    ]);
    expect(Number.isNaN(axes[2]!.values[1]!)).toBe(true);
  });

  test("keeps trials inside every brushed range and category; a trial without a value fails its axis", () => {
    const brush = parseBrush("lr:0.005..0.2,opt:=adam|a%2Cb%7Cc");
    expect(Array.from(brushMask(axes, brush))).toEqual([0, 0, 1, 1]);
    expect(Array.from(brushMask(axes, parseBrush("loss:..0.6")))).toEqual([1, 0, 0, 1]);
    expect(Array.from(brushMask(axes, parseBrush("")))).toEqual([1, 1, 1, 1]);
  });

  test("reads back what it writes, ignores what it cannot read, and rounds ends outwards", () => {
    const text = "lr:0.005..0.2,opt:=adam|a%2Cb%7Cc,loss:..0.6";
    expect(formatBrush(parseBrush(text))).toBe(text);
    expect([...parseBrush("lr:abc..1,:1..2,x:3..,y").keys()]).toEqual(["x"]);
    expect(roundRange(0.0123456, 0.98765432)).toEqual({ lo: 0.01234, hi: 0.9877 });
  });
});

describe("hyperparameter importance", () => {
  test("ranks ties by their mean rank", () => {
    expect(Array.from(ranks([3, 1, 3, 2]))).toEqual([2.5, 0, 2.5, 1]);
  });

  test("credits the hyperparameter the metric depends on, and about nothing to noise", () => {
    const random = seeded(7);
    const hparams = Array.from({ length: 400 }, () => ({
      lr: 10 ** (-4 + 3 * random()),
      dropout: 0.5 * random(),
      noise: random(),
      opt: ["adam", "sgd"][Math.floor(2 * random())]!,
    }));
    const metric = (h: Record<string, unknown>) => {
      const d = Math.log10(Number(h.lr)) + 2;
      return d * d + 0.3 * Number(h.dropout) + (h.opt === "sgd" ? 0.2 : 0) + 0.05 * random();
    };
    const axes: Axis[] = buildAxes(
      trialsOf(hparams, metric),
      hparams,
      hparamColumns(hparams, logLr),
      "m",
    );
    const rows = importances(axes);
    expect(rows.map((r) => r.key)).toEqual(["lr", "opt", "dropout", "noise"]);
    expect(rows[0]!.explained).toBeGreaterThan(0.5);
    // Ten bins of pure noise explain (10 - 1) / (400 - 1) ≈ 2% by chance; ω² takes that out.
    expect(rows.find((r) => r.key === "noise")!.explained).toBeLessThan(0.01);
    expect(rows.find((r) => r.key === "dropout")!.rho).toBeGreaterThan(0);
    expect(rows.find((r) => r.key === "opt")!.rho).toBeNull();
  });

  test("says higher is worse when the metric moves the wrong way with the hyperparameter", () => {
    // ρ > 0: the metric rises with the hyperparameter.
    expect(directionNote(0.42, true)).toBe("higher is worse (ρ 0.42)");
    expect(directionNote(0.42, false)).toBe("higher is better (ρ 0.42)");
    expect(directionNote(-0.79, true)).toBe("higher is better (ρ -0.79)");
    expect(directionNote(-0.79, false)).toBe("higher is worse (ρ -0.79)");
    expect(directionNote(0.05, true)).toBe("");
    expect(directionNote(null, true)).toBe("");
  });

  test("a continuous hyperparameter of a few trials is binned, not one trial a group", () => {
    // Eight trials, eight distinct learning rates, the metric rising with the rate: each
    // value its own group would leave no variance within groups, and no verdict (0%).
    const hparams = Array.from({ length: 8 }, (_, i) => ({ lr: 10 ** (-4 + i * 0.4) }));
    const axes = buildAxes(
      trialsOf(hparams, (h) => Math.log10(Number(h.lr)) + 5),
      hparams,
      hparamColumns(hparams, logLr),
      "m",
    );
    const [lr] = importances(axes);
    expect(lr!.rho).toBeCloseTo(1);
    expect(lr!.bins).toBe(2);
    expect(lr!.explained).toBeGreaterThan(0.5);
  });

  test("an int hyperparameter of a few values is grouped by value", () => {
    const hparams = Array.from({ length: 12 }, (_, i) => ({ layers: 1 + (i % 3) }));
    const axes = buildAxes(
      trialsOf(hparams, (h) => Number(h.layers)),
      hparams,
      hparamColumns(hparams, {}),
      "m",
    );
    const [layers] = importances(axes);
    expect(layers!.bins).toBe(3);
    expect(layers!.explained).toBeGreaterThan(0.9);
  });

  test("a hyperparameter named as the metric is neither taken for it nor brushed with it", () => {
    const hparams = Array.from({ length: 12 }, (_, i) => ({
      loss: ["mse", "huber", "l1"][i % 3]!,
      lr: i,
    }));
    const axes = buildAxes(
      trialsOf(hparams, (h) => Number(h.lr) * 0.1),
      hparams,
      hparamColumns(hparams, {}),
      "loss",
    );
    expect(axes.map((a) => a.key)).toEqual(["loss", "lr", "loss (metric)"]);
    const lr = importances(axes).find((r) => r.key === "lr")!;
    expect(lr.rho).toBeCloseTo(1);
    const brush = parseBrush(formatBrush(new Map([["loss (metric)", { lo: 0, hi: 0.35 }]])));
    expect([...brushMask(axes, brush)]).toEqual([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe("parallel-coordinates axis titles", () => {
  test("centred titles share each gap; the metric's keeps up to two thirds of its gap", () => {
    // Gaps of 158 px leave 150 for two facing halves; 56 px left of the first axis.
    expect(titleWidths([40, 60, 140, 70], 158, 56)).toEqual([40, 60, 140, 70]);
    expect(titleWidths([40, 300, 60, 90], 158, 56)).toEqual([40, 150, 60, 90]);
    // The first title may reach 52 px left of its axis: 104 px in all.
    expect(titleWidths([200, 60, 90], 158, 56)).toEqual([104, 60, 90]);
    // A metric name that fits in two thirds keeps all of it; its neighbour has the rest.
    expect(titleWidths([40, 300, 90], 158, 56)).toEqual([40, 120, 90]);
    // Two long names: the metric has two thirds, its neighbour a third on each side.
    expect(titleWidths([40, 300, 300], 158, 56)).toEqual([40, 100, 100]);
    expect(titleWidths([500], 0, 56)).toEqual([0]);
  });

  test("a label wider than its room ends in an ellipsis", () => {
    const ctx = { measureText: (t: string) => ({ width: 10 * t.length }) };
    expect(fitText(ctx, "relu", 40)).toBe("relu");
    expect(fitText(ctx, "a_very_long_name", 60)).toBe("a_ver…");
  });
});

describe("parallel-coordinates ticks", () => {
  const axis = (kind: Axis["kind"], values: number[], min: number, max: number): Axis => ({
    key: "x",
    kind,
    categories: [],
    values: Float64Array.from(values),
    min,
    max,
  });

  test("an axis of whole numbers has whole-number ticks; others their quarters", () => {
    expect(axisTicks(axis("linear", [1, 3, 4, Number.NaN], 1, 4))).toEqual([1, 2, 3, 4]);
    expect(axisTicks(axis("linear", [16, 300], 16, 512))).toEqual([16, 140, 264, 388, 512]);
    expect(axisTicks(axis("linear", [0.2, 0.7], 0, 1))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    // No value yet: nothing says the axis is of whole numbers.
    expect(axisTicks(axis("linear", [Number.NaN], 0, 1))).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const decades = axisTicks(axis("log", [0.001], 1e-4, 0.1));
    expect(decades.map((v) => Number(v.toPrecision(6)))).toEqual([1e-4, 0.001, 0.01, 0.1]);
  });
});
