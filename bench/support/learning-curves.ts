/**
 * Recorded learning curves as a trial's validations: bench/data/digits-curves.json
 * (scikit-learn digits, see bench/support/record_digits_curves.py) and
 * bench/data/mnist-curves.json (TensorFlow.js on MNIST, see
 * bench/support/record-mnist-curves.mjs). A trial with hyperparameters h,
 * validated after L length units (epochs for digits), reports the recorded
 * metric after unit L of the grid point nearest h, in one of the point's
 * recorded runs (each trained with its own trial seed). The grid is a product
 * of its axes, so the nearest point is the nearest value on each axis (a log
 * axis by its exponent, others by value). Which run a trial replays
 * follows from the experiment seed and its request id alone, so two trials
 * near one point usually replay different runs, as two real trials would
 * differ by their seeds. Every number a replayed trial reports was measured
 * in real training.
 */
import { existsSync, readFileSync } from "node:fs";
import type { HParams, HyperparameterSpec } from "../../src/protocol/config/types.js";

interface Axis {
  type: "log" | "int" | "double";
  base?: number;
  points: number[];
}

export type CurveMetric = "validation_loss" | "validation_error";

type Curve = (number | null)[];

interface CurvesFile {
  source: string;
  command: string;
  epochs: number;
  replicates: number;
  axes: Record<string, Axis>;
  /** Hyperparameters every run had (a const in the search space). */
  fixed?: Record<string, number>;
  /** Per metric, per grid point (the first axis slowest), one curve per trial seed; null after a divergence. */
  metrics: Record<CurveMetric, Curve[][]>;
}

/** The recorded sets: bench/data/<set>-curves.json. */
export const CURVE_SETS = ["digits", "mnist"] as const;
export type CurveSet = (typeof CURVE_SETS)[number];

export interface LearningCurves {
  set: CurveSet;
  source: string;
  metric: CurveMetric;
  /** Length units recorded (epochs for digits). */
  epochs: number;
  /** Grid points. */
  points: number;
  /** Recorded runs (trial seeds) per grid point. */
  replicates: number;
  /** The search space the grid spans, for a searcher config. */
  hyperparameters: Record<string, HyperparameterSpec>;
  /** Every grid point's metric after `epochs` epochs, averaged over its runs. */
  meansAt(epochs: number): number[];
  /** Grid point `point`'s metric after max_length, averaged over its runs. */
  finalMean(point: number): number;
  /** The index (in meansAt's order) of the grid point whose runs a trial with `hparams` replays. */
  pointOf(hparams: HParams): number;
  /** The best `share` of grid points by their final value averaged over their runs, best first. */
  bestPoints(share: number): number[];
  /** What trial `requestId` of an experiment seeded `seed` reports after `epochs` epochs at grid point `point`. */
  validationAt(point: number, epochs: number, seed: number, requestId: number): number;
  /**
   * Every trial at one of `points` (which one follows from the seed and its
   * request id), whatever its hyperparameters: what a sampler that knew those
   * points would get.
   */
  among(points: number[]): Placement;
}

/** The grid point whose runs trial `requestId` of an experiment seeded `seed` replays. */
export type Placement = (hparams: HParams, seed: number, requestId: number) => number;

const fileOf = (set: CurveSet) => new URL(`../data/${set}-curves.json`, import.meta.url);

/** Whether `set` has been recorded (its file exists). */
export function hasCurves(set: CurveSet): boolean {
  return existsSync(fileOf(set));
}

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
    : { type: axis.type, minval, maxval };
}

/** A well-mixed 32-bit hash of two integers (a round of murmur3's finaliser). */
function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function loadLearningCurves(metric: CurveMetric, set: CurveSet = "digits"): LearningCurves {
  const file = JSON.parse(readFileSync(fileOf(set), "utf8")) as CurvesFile;
  const curves = file.metrics[metric];
  const names = Object.keys(file.axes);
  const axes = names.map((name) => file.axes[name]!);
  const indexOf = (hparams: HParams) =>
    names.reduce(
      (index, name, k) =>
        index * axes[k]!.points.length +
        nearest(axes[k]!.points, coordinate(axes[k]!, hparams[name], name)),
      0,
    );
  const at = (curve: Curve, epochs: number) => {
    if (!Number.isInteger(epochs) || epochs < 1 || epochs > file.epochs) {
      throw new Error(`the curves are recorded after epochs 1..${file.epochs}, not ${epochs}`);
    }
    // A diverged run is as bad as a validation can be.
    return curve[epochs - 1] ?? Number.POSITIVE_INFINITY;
  };
  const replayed = (point: number, epochs: number, seed: number, requestId: number) => {
    const runs = curves[point]!;
    return at(runs[mix(seed, requestId) % runs.length]!, epochs);
  };
  const meansAt = (epochs: number) =>
    curves.map((runs) => runs.reduce((sum, curve) => sum + at(curve, epochs), 0) / runs.length);
  let finalMeans: number[] | null = null;
  const finalMean = (point: number) => {
    finalMeans ??= meansAt(file.epochs);
    return finalMeans[point]!;
  };
  return {
    set,
    source: file.source,
    metric,
    epochs: file.epochs,
    points: curves.length,
    replicates: file.replicates,
    hyperparameters: {
      ...Object.fromEntries(names.map((name, k) => [name, specOf(axes[k]!)])),
      ...Object.fromEntries(
        Object.entries(file.fixed ?? {}).map(([name, val]) => [name, { type: "const", val }]),
      ),
    },
    meansAt,
    finalMean,
    pointOf: indexOf,
    bestPoints: (share) => {
      const order = curves.map((_, i) => i).sort((a, b) => finalMean(a) - finalMean(b) || a - b);
      return order.slice(0, Math.ceil(order.length * share));
    },
    validationAt: replayed,
    among: (points) => (_hparams, seed, requestId) =>
      points[mix(~seed, requestId) % points.length]!,
  };
}
