/**
 * The synthetic example's trial: `node train.js`. Under a master it trains
 * what the searcher asks, trial after trial in this one process (`trials()`
 * asks the master for the next trial once one is done); with no PUSHTUNE_*
 * environment it does a dry run of 100 batches with the default
 * hyperparameters and prints what it reports.
 */
import { trials } from "pushtune";
import { DRY_RUN } from "./model.js";
import { SyntheticTrainer } from "./synthetic-trainer.js";

for await (const ctx of trials({ dryRun: DRY_RUN })) {
  // A fresh trainer (and model) for every trial.
  const result = await new SyntheticTrainer().fit({ ctx });
  console.log(`trial ${ctx.trialId}: ${result.outcome} after ${result.batches} batches`);
}
