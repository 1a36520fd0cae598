/**
 * The synthetic example's trial: `node train.js`. Under a master it trains
 * what the searcher asks; with no PUSHTUNE_* environment it does a dry run of
 * 100 batches with the default hyperparameters and prints what it reports.
 */
import { DEFAULT_HPARAMS } from "./model.js";
import { SyntheticTrainer } from "./synthetic-trainer.js";

const batches = (value) => ({ unit: "batches", value });

const result = await new SyntheticTrainer().fit({
  init: {
    dryRun: {
      hparams: DEFAULT_HPARAMS,
      maxLength: 100,
      config: {
        min_validation_period: batches(25),
        min_checkpoint_period: batches(50),
        scheduling_unit: 10,
      },
    },
  },
});
console.log(`${result.outcome} after ${result.batches} batches`);
