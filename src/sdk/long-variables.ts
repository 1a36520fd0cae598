/**
 * Trial variables the launcher left out of this process's environment as too
 * long to pass (PUSHTUNE_FROM_MASTER names them), read from the master.
 */
import { FROM_MASTER } from "../protocol/long-variables.js";
import { type BackoffOptions, backoffDelay, sleep } from "./backoff.js";
import { type Env, leftOut, type TrialEnvironment } from "./environment.js";
import { RetryableError } from "./errors.js";
import { PushApi } from "./push-api.js";
import type { Transport } from "./transport.js";

/**
 * `env` with the variables it lacks (`leftOut`) read from the master, asking
 * again while the master cannot answer; `env` itself when it lacks none. A
 * variable the master does not give stays unset, and reading the trial from
 * the result says so.
 */
export async function withVariablesFromMaster(
  env: Env,
  trial: TrialEnvironment,
  transport: Transport,
  backoff: BackoffOptions,
): Promise<Env> {
  const names = leftOut(env);
  if (names.length === 0) return env;
  const api = new PushApi(transport, trial);
  for (let failures = 1; ; failures++) {
    try {
      const given = await api.environment();
      const full: Env = { ...env };
      delete full[FROM_MASTER];
      for (const name of names) full[name] = given[name];
      return full;
    } catch (error) {
      if (!(error instanceof RetryableError)) throw error;
      await sleep(backoffDelay(failures, backoff));
    }
  }
}
