/**
 * The recorded learning curves of bench/data/digits-curves.json (see
 * bench/support/record_digits_curves.py) as a trial's validations: a trial
 * with hyperparameters h, validated after L epochs, reports the recorded
 * validation loss after epoch L of the grid point nearest h. The grid is a
 * product of its axes, so the nearest point is the nearest value on each axis
 * (lr and alpha by their exponent, width by its value). Every number a
 * replayed trial reports was measured in real training.
 */
import { readFileSync } from "node:fs";
import type { HParams, HyperparameterSpec } from "../../src/protocol/config/types.js";

interface Axis {
  type: "log" | "int";
  base?: number;
  points: number[];
}

interface CurvesFile {
  source: string;
  command: string;
  metric: string;
  epochs: number;
  axes: Record<string, Axis>;
  /** One curve per grid point, the first axis slowest; null after a divergence. */
  curves: (number | null)[][];
}

export interface LearningCurves {
  source: string;
  epochs: number;
  /** Grid points. */
  points: number;
  /** The search space the grid spans, for a searcher config. */
  hyperparameters: Record<string, HyperparameterSpec>;
  /** The recorded validation loss of the grid point nearest `hparams` after `epochs` epochs. */
  validation(hparams: HParams, epochs: number): number;
  /** Every grid point's validation loss after `epochs` epochs. */
  lossesAt(epochs: number): number[];
}

const FILE = new URL("../data/digits-curves.json", import.meta.url);

function nearest(points: number[], x: number): number {
  let best = 0;
  for (let i = 1; i < points.length; i++) {
    if (Math.abs(points[i]! - x) < Math.abs(points[best]! - x)) best = i;
  }
  return best;
}

function coordinate(axis: Axis, value: unknown, name: string): number {
  if (typeof value !== "number") throw new Error(`hyperparameter ${name}: expected a number`);
  return axis.type === "log" ? Math.log(value) / Math.log(axis.base!) : value;
}

function specOf(axis: Axis): HyperparameterSpec {
  const minval = Math.min(...axis.points);
  const maxval = Math.max(...axis.points);
  return axis.type === "log"
    ? { type: "log", minval, maxval, base: axis.base! }
    : { type: "int", minval, maxval };
}

export function loadLearningCurves(): LearningCurves {
  const file = JSON.parse(readFileSync(FILE, "utf8")) as CurvesFile;
  const names = Object.keys(file.axes);
  const axes = names.map((name) => file.axes[name]!);
  const indexOf = (hparams: HParams) =>
    names.reduce(
      (index, name, k) =>
        index * axes[k]!.points.length +
        nearest(axes[k]!.points, coordinate(axes[k]!, hparams[name], name)),
      0,
    );
  const at = (curve: (number | null)[], epochs: number) => {
    if (!Number.isInteger(epochs) || epochs < 1 || epochs > file.epochs) {
      throw new Error(`the curves are recorded after epochs 1..${file.epochs}, not ${epochs}`);
    }
    // A diverged run is as bad as a validation can be.
    return curve[epochs - 1] ?? Number.POSITIVE_INFINITY;
  };
  return {
    source: file.source,
    epochs: file.epochs,
    points: file.curves.length,
    hyperparameters: Object.fromEntries(names.map((name, k) => [name, specOf(axes[k]!)])),
    validation: (hparams, epochs) => at(file.curves[indexOf(hparams)]!, epochs),
    lossesAt: (epochs) => file.curves.map((curve) => at(curve, epochs)),
  };
}
