/**
 * The synthetic model (`model.js`) as a pushtune `Trainer`: the SDK decides
 * when to train, validate, checkpoint and stop; this class only says how.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InvalidHPError, Trainer } from "pushtune";
import { parseHParams, SyntheticModel } from "./model.js";

const STATE_FILE = "model.json";

export class SyntheticTrainer extends Trainer {
  /** @type {SyntheticModel | null} */
  model = null;
  /** Batches trained so far, over the whole trial (restored from checkpoints). */
  batches = 0;
  sleepMs = 0;
  /** When this run's first paced batch started, and how many it has trained since. */
  pace = { start: 0, batches: 0 };

  /** @param {import("pushtune").Context} ctx */
  setup(ctx) {
    const parsed = parseHParams(ctx.hparams);
    // An impossible configuration is not a crash: the searcher replaces the trial.
    if (!parsed.ok) throw new InvalidHPError(parsed.reason);
    this.model = new SyntheticModel(parsed.hparams, ctx.trialSeed);
    // Optional pacing, so that a trial takes a known time (benchmarks, demos).
    this.sleepMs = Number(ctx.hparams.sleep_ms ?? process.env.SYNTHETIC_SLEEP_MS ?? 0);
    const from = ctx.latestCheckpoint ? `from checkpoint ${ctx.latestCheckpoint}` : "from scratch";
    console.log(`trial ${ctx.trialId} run ${ctx.runId}: ${JSON.stringify(ctx.hparams)}, ${from}`);
  }

  /** @param {number} batchIndex */
  async trainBatch(batchIndex) {
    if (this.sleepMs > 0) await this.#paceBatch();
    const loss = this.#model().trainBatch(batchIndex);
    this.batches = batchIndex + 1;
    return { loss };
  }

  evaluate() {
    return { validation_loss: this.#model().validationLoss(this.batches) };
  }

  /** @param {string} dir */
  async save(dir) {
    await mkdir(dir, { recursive: true });
    const state = { ...this.#model().state, batches: this.batches };
    await writeFile(join(dir, STATE_FILE), JSON.stringify(state));
  }

  /** @param {string} dir */
  async load(dir) {
    const state = JSON.parse(await readFile(join(dir, STATE_FILE), "utf8"));
    this.#model().state = { w: state.w };
    this.batches = state.batches;
    console.log(`restored the model at batch ${this.batches}`);
  }

  /**
   * Sleeps to the end of this batch's slot in a steady schedule of `sleepMs`
   * per batch: a timer fires a little late, and one sleep per batch would add
   * that lateness up, so `n` batches take `n × sleepMs`, as a model training
   * at a steady rate would.
   */
  async #paceBatch() {
    if (this.pace.batches === 0) this.pace.start = performance.now();
    this.pace.batches += 1;
    const wait = this.pace.start + this.pace.batches * this.sleepMs - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  #model() {
    if (this.model === null) throw new Error("setup() has not run");
    return this.model;
  }
}
