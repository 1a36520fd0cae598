/**
 * examples/synthetic's Trainer with one `fit()` per process, the way a
 * Trainer ran before `fitTrials`: every trial pays a process start and the
 * imports (bench/trial-overhead.ts compares it with the example's own
 * `fitTrials`).
 */
import { DRY_RUN } from "../../examples/synthetic/model.js";
import { SyntheticTrainer } from "../../examples/synthetic/synthetic-trainer.js";

await new SyntheticTrainer().fit({ init: { dryRun: DRY_RUN } });
