/**
 * A synthetic model with a realistic learning curve and no data: one weight
 * `w` that learns towards 1 at a rate set by the hyperparameters, and a loss
 * floor set by them too. Everything is a pure function of the hyperparameters,
 * the trial seed and the absolute batch index, so a trial restored from a
 * checkpoint reports exactly what an uninterrupted one would.
 *
 * - `lr` (best near 1e-2): the learning speed peaks at lr = 1e-2 and the floor
 *   grows with the distance from it, on a log scale;
 * - `hidden` (best near 128, at most 512): a small effect on the floor; more
 *   than 512 units "do not fit in memory" (an invalid hyperparameter);
 * - `optimizer` (`adam` or `sgd`): sgd learns half as fast and ends a little higher.
 */

/** The largest `hidden` that fits; more is an invalid hyperparameter. */
export const MAX_HIDDEN = 512;

/** Hyperparameters used when none are given (a dry run). */
export const DEFAULT_HPARAMS = { lr: 0.01, hidden: 128, optimizer: "adam" };

const batches = (value) => ({ unit: "batches", value });

/** `node train.js` with no master: 100 batches of the default hyperparameters (`init`'s `dryRun`). */
export const DRY_RUN = {
  hparams: DEFAULT_HPARAMS,
  maxLength: 100,
  config: {
    min_validation_period: batches(25),
    min_checkpoint_period: batches(50),
    scheduling_unit: 10,
  },
};

/**
 * @typedef {{ lr: number, hidden: number, optimizer: string }} SyntheticHParams
 * @typedef {{ w: number }} ModelState
 */

/**
 * Checks and fills in the hyperparameters; returns the reason they are
 * unusable, or the parsed values.
 * @param {Record<string, unknown>} hparams
 * @returns {{ ok: true, hparams: SyntheticHParams } | { ok: false, reason: string }}
 */
export function parseHParams(hparams) {
  const lr = Number(hparams.lr ?? DEFAULT_HPARAMS.lr);
  const hidden = Number(hparams.hidden ?? DEFAULT_HPARAMS.hidden);
  const optimizer = String(hparams.optimizer ?? DEFAULT_HPARAMS.optimizer);
  if (!(lr > 0) || !Number.isFinite(lr)) return { ok: false, reason: `lr must be > 0, got ${lr}` };
  if (!Number.isInteger(hidden) || hidden < 1) {
    return { ok: false, reason: `hidden must be a positive integer, got ${hidden}` };
  }
  if (hidden > MAX_HIDDEN) {
    return {
      ok: false,
      reason: `hidden = ${hidden} does not fit in memory (at most ${MAX_HIDDEN})`,
    };
  }
  if (optimizer !== "adam" && optimizer !== "sgd") {
    return { ok: false, reason: `optimizer must be adam or sgd, got ${optimizer}` };
  }
  return { ok: true, hparams: { lr, hidden, optimizer } };
}

/**
 * The model: its state is `w` (0 at the start, 1 when fully trained).
 */
export class SyntheticModel {
  /**
   * @param {SyntheticHParams} hparams
   * @param {number} seed the trial seed: the noise comes from it
   */
  constructor(hparams, seed) {
    this.seed = seed;
    const distance = Math.log10(hparams.lr) + 2; // 0 at lr = 1e-2
    const width = Math.log2(hparams.hidden / 128);
    const sgd = hparams.optimizer === "sgd";
    /** Fraction of the remaining error learnt per batch. */
    this.rate = 0.04 * Math.exp(-distance * distance) * (sgd ? 0.5 : 1);
    /** The loss a fully trained model reaches. */
    this.floor = 0.05 + 0.2 * distance * distance + 0.02 * width * width + (sgd ? 0.05 : 0);
    /** @type {ModelState} */
    this.state = { w: 0 };
  }

  /**
   * Trains batch `batchIndex` (counted from 0 over the whole trial); returns its training loss.
   * @param {number} batchIndex
   */
  trainBatch(batchIndex) {
    const { w } = this.state;
    const jitter = 0.002 * noise(this.seed, batchIndex, 0);
    this.state = { w: w + (1 - w) * this.rate + jitter * this.rate };
    return this.loss() + 0.02 * noise(this.seed, batchIndex, 1);
  }

  /**
   * The validation loss after `batches` batches.
   * @param {number} batches
   */
  validationLoss(batches) {
    return this.loss() + 0.005 * noise(this.seed, batches, 2);
  }

  /** The noiseless loss of the current state. */
  loss() {
    const error = 1 - this.state.w;
    return this.floor + 2 * error * error;
  }
}

/**
 * Deterministic noise in [-1, 1) from (seed, index, stream): a 32-bit integer hash.
 * @param {number} seed
 * @param {number} index
 * @param {number} stream
 */
export function noise(seed, index, stream) {
  let h =
    (seed % 0x100000000) ^ Math.imul(index + 1, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad);
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97);
  h ^= h >>> 15;
  return ((h >>> 0) / 0x100000000) * 2 - 1;
}
