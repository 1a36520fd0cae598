/**
 * Runs one case of trainer-cases.json (format: trainer-cases.md) through the
 * TypeScript Trainer on a FakeMaster and says what came out, in the table's
 * terms, so a test compares it with the case's `expect`.
 */
import { readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { vi } from "vitest";
import type { HParams } from "../../src/protocol/config/types.js";
import {
  type ConfigOverrides,
  type Context,
  FakeMaster,
  InvalidHPError,
  RequestError,
} from "../../src/sdk/index.js";
import { RecordingTrainer } from "./recording-trainer.js";
import { openContext } from "./support.js";

export interface TrainerCase {
  name: string;
  master: {
    ops: number[];
    close_after_ops?: boolean;
    config?: Record<string, unknown>;
    hparams?: HParams;
    latest_checkpoint?: { steps_completed: number };
    best_validation?: number;
    preempt?: { at_batch: number } | { after_op: number };
    supersede?: { at_batch: number };
  };
  trial?: {
    validation?: { metric: string; by_step: Record<string, number> };
    raise?: {
      error: "invalid_hp" | "other";
      in: "setup" | "train_batch" | "evaluate";
      at?: number;
      message?: string;
    };
  };
  expect: Expected;
}

type Outcome = "completed" | "preempted" | "exited_early" | "error";

export interface Expected {
  outcome: Outcome;
  error?: string;
  batches?: number;
  trained?: [number, number];
  loaded?: number[];
  evaluated_at?: number[];
  validation_steps?: number[];
  checkpoint_steps?: number[];
  training?: [number, number][];
  completed_ops?: [number, number][];
  progress?: number[];
  best_validation_queries?: number;
  early_exit?: string;
}

/** What a run showed: `expect`'s fields (`trained` as the list of indices), and what every case checks. */
export interface Observed {
  fields: Record<string, unknown>;
  earlyExits: string[];
  preemptionAcks: number;
  /** Event types in the order the master accepted them. */
  events: string[];
}

export function loadCases(): TrainerCase[] {
  const url = new URL("./trainer-cases.json", import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { cases: TrainerCase[] }).cases;
}

export async function runCase(c: TrainerCase): Promise<Observed> {
  const { master, trial = {} } = c;
  const checkpointDir = await mkdtemp(join(tmpdir(), "pushtune-trainer-case-"));
  const latestCheckpoint = master.latest_checkpoint
    ? await storeCheckpoint(checkpointDir, master.latest_checkpoint.steps_completed)
    : null;
  const fm = new FakeMaster({
    ops: master.ops,
    closeAfterOps: master.close_after_ops ?? true,
    config: master.config as ConfigOverrides,
    hparams: master.hparams ?? {},
    checkpointDir,
    latestCheckpoint,
    runId: latestCheckpoint === null ? 1 : 2,
    bestValidation: master.best_validation ?? null,
    ...(master.preempt && "after_op" in master.preempt
      ? { preemptAt: { afterOperations: master.preempt.after_op } }
      : {}),
  });
  const ctx = await openContext(fm);

  const raise = trial.raise;
  const raiseIn = (hook: string, at?: number) => {
    if (raise?.in !== hook || (raise.at !== undefined && raise.at !== at)) return;
    throw raise.error === "invalid_hp"
      ? new InvalidHPError(`the case's ${hook} finds the hyperparameters unusable`)
      : new Error(raise.message ?? "the case's error");
  };
  const trainer = new RecordingTrainer({
    onSetup: () => raiseIn("setup"),
    onBatch: async (i) => {
      // Nothing is coalesced away: the master has each report before the next batch.
      if (!ctx.preempt.shouldPreempt()) await ctx.flush();
      raiseIn("train_batch", i);
      const preempt = master.preempt;
      if (preempt && "at_batch" in preempt && preempt.at_batch === i)
        await masterActs(ctx, () => fm.preempt());
      if (master.supersede?.at_batch === i) await masterActs(ctx, () => fm.supersede());
    },
    validation: (steps) => {
      raiseIn("evaluate", steps);
      return validationAt(steps, trial.validation);
    },
  });

  let result: { outcome: Outcome; batches?: number; error?: string };
  try {
    const fit = await trainer.fit({ ctx });
    const outcome = fit.outcome === "exitedEarly" ? "exited_early" : fit.outcome;
    result = { outcome, batches: fit.batches };
  } catch (error) {
    result = { outcome: "error", error: errorText(error, c.expect.error) };
  }
  await ctx.close().catch(() => undefined);

  return {
    fields: {
      ...result,
      trained: trainer.trained,
      loaded: trainer.loadedSteps,
      evaluated_at: trainer.evaluatedAt,
      validation_steps: fm.validationMetrics.map((r) => r.stepsCompleted),
      checkpoint_steps: fm.checkpoints.map((ckpt) => ckpt.stepsCompleted),
      training: fm.trainingMetrics.map((r) => [r.stepsCompleted, r.metrics.loss]),
      completed_ops: fm.completedOperations.map((o) => [o.length, o.searcherMetric]),
      progress: fm.progress,
      best_validation_queries: fm.requests.filter((r) =>
        r.path.includes("best_searcher_validation_metric"),
      ).length,
      early_exit: fm.earlyExits[0],
    },
    earlyExits: fm.earlyExits,
    preemptionAcks: fm.preemptionAcks,
    events: fm.events.map((e) => e.type),
  };
}

/** A checkpoint at `steps` of the case trainer's model, as an earlier run of the trial would have left it. */
async function storeCheckpoint(checkpointDir: string, steps: number): Promise<string> {
  const earlier = new FakeMaster({ checkpointDir });
  const ctx = await openContext(earlier);
  const model = new RecordingTrainer();
  model.steps = steps;
  const uuid = await ctx.checkpoint.store({ stepsCompleted: steps }, (dir) => model.save(dir));
  await ctx.close();
  return uuid;
}

/** The master acts (once it has every report so far); the trial goes on once it knows. */
async function masterActs(ctx: Context, act: () => void): Promise<void> {
  act();
  await vi.waitFor(
    () => {
      if (!ctx.preempt.shouldPreempt()) throw new Error("the trial has not heard of it yet");
    },
    { timeout: 10_000, interval: 1 },
  );
}

function validationAt(
  steps: number,
  validation: NonNullable<TrainerCase["trial"]>["validation"],
): Record<string, number> {
  if (validation === undefined) return { validation_loss: 1 / (1 + steps) };
  const value = validation.by_step[String(steps)];
  if (value === undefined) throw new Error(`the case has no validation value for step ${steps}`);
  return { [validation.metric]: value };
}

/** The expected text if the error's message or code contains it (so a diff shows the message otherwise). */
function errorText(error: unknown, expected: string | undefined): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof RequestError ? error.code : "";
  if (expected !== undefined && (message.includes(expected) || code.includes(expected)))
    return expected;
  return `${code} ${message}`.trim();
}
