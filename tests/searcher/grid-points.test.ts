import { describe, expect, it } from "vitest";
import { gridAxis, gridPoint, gridPoints, gridSize } from "../../src/searcher/grid.js";

describe("grid points", () => {
  it("crosses the axes in key order, the last key varying fastest", () => {
    const points = gridPoints({
      x: { type: "int", minval: 0, maxval: 20, count: 3 },
      y: { type: "int", minval: 0, maxval: 10, count: 3 },
    });
    expect(points.map((p) => [p.x, p.y])).toEqual([
      [0, 0],
      [0, 5],
      [0, 10],
      [10, 0],
      [10, 5],
      [10, 10],
      [20, 0],
      [20, 5],
      [20, 10],
    ]);
  });

  it("spaces int axes as round(min + i·(max−min)/(count−1))", () => {
    expect(gridAxis({ type: "int", minval: -4, maxval: -2, count: 3 })).toEqual([-4, -3, -2]);
    expect(gridAxis({ type: "int", minval: 0, maxval: 10, count: 4 })).toEqual([0, 3, 7, 10]);
    expect(gridAxis({ type: "int", minval: -5, maxval: 0, count: 3 })).toEqual([-5, -3, 0]);
  });

  it("never repeats an int and never has more ints than the range holds", () => {
    expect(gridAxis({ type: "int", minval: 0, maxval: 2, count: 5 })).toEqual([0, 1, 2]);
    expect(gridAxis({ type: "int", minval: 0, maxval: 3, count: 3 })).toEqual([0, 2, 3]);
  });

  it("gives the middle of the range for a count of 1, as Determined does", () => {
    expect(gridAxis({ type: "int", minval: 3, maxval: 9, count: 1 })).toEqual([6]);
    expect(gridAxis({ type: "int", minval: 32, maxval: 256, count: 1 })).toEqual([144]);
    // Go's math.Round: a half rounds away from zero.
    expect(gridAxis({ type: "int", minval: 0, maxval: 3, count: 1 })).toEqual([2]);
    expect(gridAxis({ type: "int", minval: -3, maxval: 0, count: 1 })).toEqual([-2]);
    expect(gridAxis({ type: "double", minval: 0.5, maxval: 1, count: 1 })).toEqual([0.75]);
    expect(gridAxis({ type: "log", minval: -4, maxval: -2, base: 10, count: 1 })).toEqual([
      10 ** -3,
    ]);
  });

  it("spaces double axes evenly and log axes evenly in the exponent", () => {
    expect(gridAxis({ type: "double", minval: 0, maxval: 1, count: 5 })).toEqual([
      0, 0.25, 0.5, 0.75, 1,
    ]);
    expect(gridAxis({ type: "log", minval: -3, maxval: -1, base: 10, count: 3 })).toEqual([
      10 ** -3,
      10 ** -2,
      10 ** -1,
    ]);
  });

  it("takes every categorical value and the one const value", () => {
    expect(gridAxis({ type: "categorical", vals: ["a", 1, true] })).toEqual(["a", 1, true]);
    expect(gridAxis({ type: "const", val: { depth: 3 } })).toEqual([{ depth: 3 }]);
  });

  it("flattens nested hyperparameters for the product and nests them back", () => {
    const specs = {
      model: {
        type: "object" as const,
        fields: {
          depth: { type: "int" as const, minval: 1, maxval: 2, count: 2 },
          act: { type: "categorical" as const, vals: ["relu", "tanh"] },
        },
      },
      lr: { type: "const" as const, val: 0.1 },
    };
    expect(gridSize(specs)).toBe(4);
    expect(gridPoints(specs)).toEqual([
      { model: { depth: 1, act: "relu" }, lr: 0.1 },
      { model: { depth: 1, act: "tanh" }, lr: 0.1 },
      { model: { depth: 2, act: "relu" }, lr: 0.1 },
      { model: { depth: 2, act: "tanh" }, lr: 0.1 },
    ]);
    expect(gridPoint(specs, 2)).toEqual({ model: { depth: 2, act: "relu" }, lr: 0.1 });
  });

  it("has one empty point when there are no hyperparameters", () => {
    expect(gridPoints({})).toEqual([{}]);
  });

  it("names the hyperparameter that lacks a count", () => {
    expect(() =>
      gridPoints({
        a: { type: "object", fields: { b: { type: "double", minval: 0, maxval: 1 } } },
      }),
    ).toThrow("hyperparameters.a.b: grid search needs an integer count >= 1");
  });
});
