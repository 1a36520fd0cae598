/**
 * `trials()` with a config too long for a process's environment: each trial,
 * the first (whose launcher left it out) and those handed over after it,
 * reads the config from the master, and the process's environment never
 * holds it, so that a process the trial starts can start.
 */
import { expect, test } from "vitest";
import { LONGEST_PASSED_BYTES } from "../../src/protocol/long-variables.js";
import { trials } from "../../src/sdk/index.js";
import { startOneProcessSearch } from "./one-process-search.js";
import { fastBackoff } from "./support.js";

const vals = Array.from({ length: 30_000 }, (_, i) => i);

test("every trial of one process reads the long config from the master, and none is left in its environment", async () => {
  const search = await startOneProcessSearch(3, 10, { label: { type: "categorical", vals } });
  const { tm, env, transport } = search;
  try {
    const asked: string[] = [];
    const seen: { trialId: number; label: unknown; vals: number }[] = [];
    for await (const ctx of trials({
      handleExitSignals: false,
      backoff: fastBackoff,
      log: () => {},
      env,
      transport: {
        request(method, path, body, options) {
          if (path.endsWith("/environment")) asked.push(path);
          return transport.request(method, path, body, options);
        },
      },
    })) {
      expect(env.PUSHTUNE_EXPERIMENT_CONFIG).toBeUndefined();
      expect(env.PUSHTUNE_FROM_MASTER).toBe("PUSHTUNE_EXPERIMENT_CONFIG");
      expect(env.PUSHTUNE_HPARAMS!.length).toBeLessThan(LONGEST_PASSED_BYTES);
      const space = ctx.config.hyperparameters.label as { vals: unknown[] };
      seen.push({ trialId: ctx.trialId, label: ctx.hparams.label, vals: space.vals.length });
      for await (const op of ctx.searcher.operations()) await op.reportCompleted(1);
    }
    await search.exit();
    const stored = await tm.store.listTrials({ experimentId: search.experimentId });
    expect(seen).toEqual(
      stored.map((t) => ({ trialId: t.id, label: t.hparams.label, vals: 30_000 })),
    );
    expect(asked).toHaveLength(3);
    expect((await search.experiment()).state).toBe("COMPLETED");
  } finally {
    await tm.close();
  }
});
