/**
 * What one TPE decision costs the master: the time `advanceSearcher` takes
 * for a trial's validation that makes a tpe search sample its next trial,
 * with 1,000 and with 10,000 completed trials (four hyperparameters: log,
 * double, int, categorical; 24 candidates). The aim: under 50 ms per new
 * trial at 10,000, so a decision never holds up the master's event loop.
 *
 * The completed trials are made cheaply: the same search with n_startup_trials
 * above n samples them at random (the model still records every result), then
 * the measured decisions run with the usual n_startup_trials, on that state.
 *
 *   node --import tsx bench/tpe-decision-cost.ts
 */
import { pathToFileURL } from "node:url";
import type { ExperimentConfig, HParams, TpeSearcherConfig } from "../src/protocol/config/types.js";
import { nextFloat, seedRng } from "../src/searcher/rng.js";
import { advanceSearcher, newSearcher, type SearcherState } from "../src/searcher/searcher.js";
import type { SearcherOp } from "../src/searcher/types.js";
import { config as ashaConfig } from "./searcher-preview.js";

/** New trials timed at each size. */
const DECISIONS = 20;
export const AIM_MS = 50;

function tpeConfig(maxTrials: number, startup: number): ExperimentConfig {
  const searcher: TpeSearcherConfig = {
    name: "tpe",
    metric: "validation_loss",
    smaller_is_better: true,
    max_length: { unit: "batches", value: 1000 },
    max_trials: maxTrials,
    max_concurrent_trials: 1,
    n_startup_trials: startup,
    gamma: 0.1,
    n_ei_candidates: 24,
  };
  return { ...ashaConfig(maxTrials, 1), searcher };
}

/** A noisy bowl: TPE's good set is a region, as in a real search. */
function loss(h: HParams, noise: number): number {
  const lr = Math.log10(h.lr as number);
  const optimizer = h.optimizer === "adam" ? 0 : 0.3;
  return (
    (lr + 3) ** 2 +
    ((h.dropout as number) - 0.2) ** 2 +
    (h.layers as number) / 20 +
    optimizer +
    noise
  );
}

interface Driver {
  state: SearcherState;
  /** The trial whose validation is due. */
  running: { requestId: number; hparams: HParams };
}

/** Completes the running trial and returns the next one created; the time spent deciding. */
function completeRunning(config: ExperimentConfig, driver: Driver, noise: () => number): number {
  const { state, running } = driver;
  const event = {
    type: "validationCompleted" as const,
    requestId: running.requestId,
    metric: loss(running.hparams, noise()),
    length: 1000,
  };
  const start = performance.now();
  const ops = advanceSearcher(config, state, event);
  const ms = performance.now() - start;
  advanceSearcher(config, state, { type: "trialClosed", requestId: running.requestId });
  driver.running = createdIn(ops);
  advanceSearcher(config, state, { type: "trialCreated", requestId: driver.running.requestId });
  return ms;
}

function createdIn(ops: SearcherOp[]): { requestId: number; hparams: HParams } {
  const create = ops.find((op) => op.type === "create");
  if (create?.type !== "create") throw new Error("the validation created no trial");
  return { requestId: create.requestId, hparams: create.hparams };
}

/** Mean ms per new trial sampled by TPE after `completed` completed trials. */
export function msPerDecision(completed: number, decisions = DECISIONS): number {
  const total = completed + decisions + 1;
  const warmup = tpeConfig(total, completed + 1);
  const measured = tpeConfig(total, 10);
  const rng = seedRng(7, 3);
  const noise = () => 0.1 * nextFloat(rng);
  const state = newSearcher(warmup);
  const first = createdIn(advanceSearcher(warmup, state, { type: "initialize" }));
  const driver: Driver = { state, running: first };
  advanceSearcher(warmup, state, { type: "trialCreated", requestId: first.requestId });
  for (let i = 1; i < completed; i++) completeRunning(warmup, driver, noise);
  let ms = 0;
  for (let i = 0; i < decisions; i++) ms += completeRunning(measured, driver, noise);
  return ms / decisions;
}

export interface TpeDecisionFigures {
  name: string;
  ms1k: number;
  ms10k: number;
  aimMs: number;
  meetsAim: boolean;
}

export function run(): TpeDecisionFigures {
  msPerDecision(200, 10);
  const ms1k = msPerDecision(1_000);
  const ms10k = msPerDecision(10_000);
  const figures = {
    name: "tpe decision (4 hyperparameters, 24 candidates, gamma 0.1)",
    ms1k: Number(ms1k.toFixed(2)),
    ms10k: Number(ms10k.toFixed(2)),
    aimMs: AIM_MS,
    meetsAim: ms10k < AIM_MS,
  };
  console.log(
    `${figures.name}: ${figures.ms1k} ms per new trial with 1,000 completed trials, ` +
      `${figures.ms10k} ms with 10,000 (aim < ${AIM_MS} ms at 10,000: ${figures.meetsAim ? "met" : "NOT met"})`,
  );
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) run();
