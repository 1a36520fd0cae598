/**
 * The synthetic example's trial: `node train.js`. Under a master it trains
 * what the searcher asks, trial after trial in this one process, a fresh
 * `SyntheticTrainer` (and model) for each (`fitTrials` asks the master for the
 * next trial once one is done, and logs each one's outcome); with no
 * PUSHTUNE_* environment it does a dry run of 100 batches with the default
 * hyperparameters and prints what it reports.
 */
import { fitTrials } from "pushtune";
import { DRY_RUN } from "./model.js";
import { SyntheticTrainer } from "./synthetic-trainer.js";

await fitTrials(() => new SyntheticTrainer(), { dryRun: DRY_RUN });
