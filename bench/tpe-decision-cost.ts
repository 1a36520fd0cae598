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

/** Wall and CPU time, in ms. */
interface Spent {
  wall: number;
  cpu: number;
}

/** Completes the running trial and makes the trial it creates the running one; the time spent deciding. */
function completeRunning(config: ExperimentConfig, driver: Driver, noise: () => number): Spent {
  const { state, running } = driver;
  const event = {
    type: "validationCompleted" as const,
    requestId: running.requestId,
    metric: loss(running.hparams, noise()),
    length: 1000,
  };
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const ops = advanceSearcher(config, state, event);
  const cpu = process.cpuUsage(cpuStart);
  const spent = { wall: performance.now() - start, cpu: (cpu.user + cpu.system) / 1000 };
  advanceSearcher(config, state, { type: "trialClosed", requestId: running.requestId });
  driver.running = createdIn(ops);
  advanceSearcher(config, state, { type: "trialCreated", requestId: driver.running.requestId });
  return spent;
}

function createdIn(ops: SearcherOp[]): { requestId: number; hparams: HParams } {
  const create = ops.find((op) => op.type === "create");
  if (create?.type !== "create") throw new Error("the validation created no trial");
  return { requestId: create.requestId, hparams: create.hparams };
}

/** Mean ms per new trial sampled by TPE after `completed` completed trials. */
export function msPerDecision(completed: number, decisions = DECISIONS): Spent {
  const trials = completed + decisions + 1;
  const warmup = tpeConfig(trials, completed + 1);
  const measured = tpeConfig(trials, 10);
  const rng = seedRng(7, 3);
  const noise = () => 0.1 * nextFloat(rng);
  const state = newSearcher(warmup);
  const first = createdIn(advanceSearcher(warmup, state, { type: "initialize" }));
  const driver: Driver = { state, running: first };
  advanceSearcher(warmup, state, { type: "trialCreated", requestId: first.requestId });
  for (let i = 1; i < completed; i++) completeRunning(warmup, driver, noise);
  const total = { wall: 0, cpu: 0 };
  for (let i = 0; i < decisions; i++) {
    const spent = completeRunning(measured, driver, noise);
    total.wall += spent.wall;
    total.cpu += spent.cpu;
  }
  return { wall: total.wall / decisions, cpu: total.cpu / decisions };
}

export interface TpeDecisionFigures {
  name: string;
  /** Wall-clock ms per new trial (what the event loop waits). */
  ms1k: number;
  ms10k: number;
  /** CPU ms per new trial (steadier on a busy machine). */
  cpuMs1k: number;
  cpuMs10k: number;
  aimMs: number;
  meetsAim: boolean;
}

const round = (ms: number) => Number(ms.toFixed(2));

export function run(): TpeDecisionFigures {
  msPerDecision(200, 10);
  const small = msPerDecision(1_000);
  const large = msPerDecision(10_000);
  const figures = {
    name: "tpe decision (4 hyperparameters, 24 candidates, gamma 0.1)",
    ms1k: round(small.wall),
    ms10k: round(large.wall),
    cpuMs1k: round(small.cpu),
    cpuMs10k: round(large.cpu),
    aimMs: AIM_MS,
    meetsAim: large.wall < AIM_MS,
  };
  console.log(
    `${figures.name}, ms per new trial (wall / CPU): ` +
      `${figures.ms1k} / ${figures.cpuMs1k} with 1,000 completed trials, ` +
      `${figures.ms10k} / ${figures.cpuMs10k} with 10,000 ` +
      `(aim < ${AIM_MS} ms wall at 10,000: ${figures.meetsAim ? "met" : "NOT met"})`,
  );
  return figures;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) run();
