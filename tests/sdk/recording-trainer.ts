/** A Trainer that records what the sequencer asked of it, for assertions. */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type Context, type Metrics, Trainer } from "../../src/sdk/index.js";

export interface RecordingTrainerOptions {
  /** Runs as `setup` (to find the hyperparameters unusable). */
  onSetup?: (ctx: Context) => void | Promise<void>;
  /** Runs before each batch (to inject outages, preemptions, delays). */
  onBatch?: (batchIndex: number) => void | Promise<void>;
  /** The validation metrics at a step; default `validation_loss = 1 / (1 + steps)`. */
  validation?: (steps: number) => Metrics;
}

export class RecordingTrainer extends Trainer {
  readonly trained: number[] = [];
  readonly evaluatedAt: number[] = [];
  readonly savedAt: number[] = [];
  readonly loadedSteps: number[] = [];
  /** The "model": how many batches it has seen. Saved and loaded with checkpoints. */
  steps = 0;

  constructor(private readonly options: RecordingTrainerOptions = {}) {
    super();
  }

  async setup(ctx: Context): Promise<void> {
    await this.options.onSetup?.(ctx);
  }

  async trainBatch(batchIndex: number): Promise<Metrics> {
    await this.options.onBatch?.(batchIndex);
    this.trained.push(batchIndex);
    this.steps = batchIndex + 1;
    return { loss: batchIndex };
  }

  evaluate(): Metrics {
    this.evaluatedAt.push(this.steps);
    return this.options.validation?.(this.steps) ?? { validation_loss: 1 / (1 + this.steps) };
  }

  async save(dir: string): Promise<void> {
    this.savedAt.push(this.steps);
    await writeFile(join(dir, "model.json"), JSON.stringify({ steps: this.steps }));
  }

  async load(dir: string): Promise<void> {
    const { steps } = JSON.parse(await readFile(join(dir, "model.json"), "utf8"));
    this.steps = steps;
    this.loadedSteps.push(steps);
  }
}

export const tick = (ms = 1): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
