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
 * inside the loop. Between trials the PUSHTUNE_* variables of `env`
 * (`process.env` by default) are those of the current trial. Off-cluster it
 * yields the one dry-run context.
 */
import { type Context, type InitOptions, init } from "./context.js";
import { readTrialEnvironment } from "./environment.js";
import { RequestError } from "./errors.js";
import { PushApi } from "./push-api.js";
import { HttpTransport } from "./transport.js";

export async function* trials(options: InitOptions = {}): AsyncGenerator<Context, void, undefined> {
  const env = options.env ?? process.env;
  if (options.transport === undefined && !env.PUSHTUNE_MASTER) {
    yield* once(await init(options));
    return;
  }
  for (;;) {
    const trial = readTrialEnvironment(env);
    const transport =
      options.transport ?? new HttpTransport({ master: trial.master, token: trial.token });
    yield* once(await init({ ...options, env, transport }));
    const next = await askForNextTrial(new PushApi(transport, trial));
    if (next === null) return;
    Object.assign(env, next);
  }
}

/** Yields `ctx` and closes it however the loop body ends. */
async function* once(ctx: Context): AsyncGenerator<Context, void, undefined> {
  try {
    yield ctx;
  } finally {
    await ctx.close();
  }
}

/**
 * Null when there is no next trial, or when the master refuses the ask (the
 * allocation was stopped meanwhile): either way this process is done.
 */
async function askForNextTrial(api: PushApi): Promise<Record<string, string> | null> {
  try {
    return await api.nextTrial();
  } catch (error) {
    if (error instanceof RequestError) return null;
    throw error;
  }
}
