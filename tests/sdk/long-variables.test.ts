/**
 * A trial whose launcher left its long variables out of its environment
 * (PUSHTUNE_FROM_MASTER names them) reads them from the master before it
 * starts: its hyperparameters and config are those it would have been given.
 */
import { expect, test } from "vitest";
import { FakeMaster, init, TrialEnvironmentError } from "../../src/sdk/index.js";
import type { HttpMethod, RequestOptions, Transport } from "../../src/sdk/transport.js";
import { fastBackoff } from "./support.js";

/** `fm`'s environment as a launcher passes it when both long variables are too long. */
function leftOutEnv(fm: FakeMaster): Record<string, string | undefined> {
  const { PUSHTUNE_HPARAMS: _h, PUSHTUNE_EXPERIMENT_CONFIG: _c, ...rest } = fm.env();
  return { ...rest, PUSHTUNE_FROM_MASTER: "PUSHTUNE_HPARAMS,PUSHTUNE_EXPERIMENT_CONFIG" };
}

const hparams = { lr: 0.01, label: 29_999, model: { depth: 2 } };

test("init() reads the variables left out from the master, asking again while it is away", async () => {
  const fm = new FakeMaster({ hparams, config: { name: "long" }, failNextRequests: 2 });
  const env = leftOutEnv(fm);
  const ctx = await init({ transport: fm, env, handleExitSignals: false, backoff: fastBackoff });
  expect(ctx.hparams).toEqual(hparams);
  expect(ctx.config).toEqual(fm.config);
  expect(ctx.config.name).toBe("long");
  const asks = fm.requests.filter((r) => r.path.endsWith("/environment"));
  expect(asks.map((r) => r.outcome)).toEqual(["failed", "failed", "ok"]);
  // Not written into the environment: a process the trial starts could not start with them.
  expect(env.PUSHTUNE_HPARAMS).toBeUndefined();
  await ctx.close();
});

test("a variable missing but not named is still an error, and one the master does not give is named", async () => {
  const fm = new FakeMaster({ hparams });
  const { PUSHTUNE_FROM_MASTER: _, ...unnamed } = leftOutEnv(fm);
  await expect(init({ transport: fm, env: unnamed, handleExitSignals: false })).rejects.toThrow(
    /PUSHTUNE_HPARAMS is not set/,
  );
  // A master whose answer lacks the config.
  const lacking: Transport = {
    async request(method: HttpMethod, path: string, body?: unknown, options?: RequestOptions) {
      const answer = await fm.request(method, path, body, options);
      if (!path.endsWith("/environment")) return answer;
      const { PUSHTUNE_EXPERIMENT_CONFIG: _c, ...env } = (answer as { env: Record<string, string> })
        .env;
      return { env };
    },
  };
  const error = await init({
    transport: lacking,
    env: leftOutEnv(fm),
    handleExitSignals: false,
  }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TrialEnvironmentError);
  expect((error as Error).message).toMatch(/PUSHTUNE_EXPERIMENT_CONFIG is not set/);
  expect((error as Error).message).not.toMatch(/PUSHTUNE_HPARAMS/);
});
