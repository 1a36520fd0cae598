/**
 * One process, trial after trial. A trial process that starts quickly wastes
 * little, but a Node process, its imports, data loading and JIT warm-up cost a
 * fraction of a second or more each time; `trials()` pays them once. It yields
 * the context of the trial this process was started for; when the loop body
 * is done with it, closes it (delivering everything reported), tells the
 * master the trial's work is over, and yields the next trial of the same
 * experiment the master gives this process, until there is none.
 *
 *     for await (const ctx of trials()) {
 *       await new MyTrainer().fit({ ctx });
 *     }
 *
 * Every trial gets a fresh context and should get fresh state: build models
 * inside the loop. `fitTrials` is that loop for a Trainer: a fresh trainer
 * for every trial, made by the function it is given. Between trials the
 * PUSHTUNE_* variables of `env` (`process.env` by default) are those of the
 * current trial; a `transport`
 * given in the options serves every trial, so it must authenticate with the
 * current `env.PUSHTUNE_TOKEN`. Off-cluster it yields the one dry-run context.
 */

import type { CheckpointBody } from "../protocol/api/push.js";
import { FROM_MASTER, passable } from "../protocol/long-variables.js";
import { type BackoffOptions, backoffDelay, defaultBackoff, sleep } from "./backoff.js";
import { type Context, type InitOptions, init } from "./context.js";
import { isOffCluster, trialEnvironmentOrExit } from "./environment.js";
import { RequestError, RetryableError } from "./errors.js";
import { stderrLine } from "./notices.js";
import { PushApi } from "./push-api.js";
import { type FitResult, runTrainer, type TrainerHooks } from "./trainer.js";
import { HttpTransport } from "./transport.js";

export async function* trials(options: InitOptions = {}): AsyncGenerator<Context, void, undefined> {
  const env = options.env ?? process.env;
  if (options.transport === undefined && isOffCluster(env)) {
    yield* once(await init(options));
    return;
  }
  for (;;) {
    const trial = trialEnvironmentOrExit(env, env === process.env);
    const transport =
      options.transport ?? new HttpTransport({ master: trial.master, token: trial.token });
    const ctx = await init({ ...options, env, transport });
    ctx.preempt.deferAck = true;
    yield* once(ctx, { askingForNextTrial: true });
    // The ask acknowledges a stop the master asked for and registers the checkpoint taken for it.
    const api = new PushApi(transport, trial);
    const backoff = { ...defaultBackoff, ...options.backoff };
    const next = await ctx.handOver((checkpoint, stop) =>
      askForNextTrial(api, backoff, checkpoint, stop),
    );
    if (next === null) return;
    // Variables too long to pass to a process this one starts are read from the master again.
    delete env[FROM_MASTER];
    Object.assign(env, passable(next));
  }
}

/**
 * Fits a fresh trainer from `makeTrainer` to every trial the master hands this
 * process (`trials(options)`), one after another, each torn down before the
 * next is made; off the cluster, to the one dry-run trial. Logs a line per
 * trial (its outcome and batches) and resolves with their results, in order,
 * when there is no next trial. A fit that throws ends it, as a loop body that
 * throws ends `trials()`.
 *
 *     await fitTrials(() => new MyTrainer());
 */
export async function fitTrials(
  makeTrainer: () => TrainerHooks,
  options: InitOptions = {},
): Promise<FitResult[]> {
  const log = options.log ?? stderrLine;
  const results: FitResult[] = [];
  for await (const ctx of trials(options)) {
    const result = await runTrainer(makeTrainer(), { ctx });
    log(`pushtune: trial ${ctx.trialId} ${result.outcome} after ${result.batches} batches`);
    results.push(result);
  }
  return results;
}

/**
 * Yields `ctx` and closes it however the loop body ends; `then` is how it
 * closes when the body ends normally (the process asks for its next trial).
 */
async function* once(
  ctx: Context,
  then: { askingForNextTrial?: boolean } = {},
): AsyncGenerator<Context, void, undefined> {
  try {
    yield ctx;
    await ctx.close(then);
  } finally {
    await ctx.close();
  }
}

/**
 * Null when there is no next trial, or when the master refuses the ask (the
 * allocation was stopped meanwhile; it registered the carried `checkpoint`
 * before refusing): either way this process is done. An ask
 * that got no answer is repeated until it gets one: the master may have
 * handed this process a trial already, and answers a repeated ask the same.
 * `stop` ends it (rejecting) before another ask goes out.
 */
async function askForNextTrial(
  api: PushApi,
  backoff: BackoffOptions,
  checkpoint: CheckpointBody | undefined,
  stop: AbortSignal,
): Promise<Record<string, string> | null> {
  for (let failures = 1; ; failures++) {
    try {
      return await api.nextTrial(checkpoint, stop);
    } catch (error) {
      if (error instanceof RequestError) return null;
      if (!(error instanceof RetryableError) || stop.aborted) throw error;
      await sleep(backoffDelay(failures, backoff), stop);
    }
  }
}
