import { expect, test } from "vitest";
import { readExperimentConfig } from "../../src/sdk/experiment-config.js";
import { FakeMaster, init, localExperimentConfig } from "../../src/sdk/index.js";

test("init() reads the trial's identity, hyperparameters and config from PUSHTUNE_*", async () => {
  const fm = new FakeMaster({
    trialId: 7,
    experimentId: 3,
    allocationId: "a/7.2",
    runId: 2,
    trialSeed: 99,
    hparams: { lr: 0.01, model: { depth: 2 } },
    latestCheckpoint: "3f2b6c1e-0000-4000-8000-000000000001",
  });
  const ctx = await init({ transport: fm, env: fm.env(), handleExitSignals: false });
  expect(ctx).toMatchObject({
    trialId: 7,
    experimentId: 3,
    allocationId: "a/7.2",
    runId: 2,
    trialSeed: 99,
    hparams: { lr: 0.01, model: { depth: 2 } },
    latestCheckpoint: "3f2b6c1e-0000-4000-8000-000000000001",
    dryRun: false,
  });
  expect(ctx.config).toEqual(fm.config);
  await ctx.close();
});

test("every missing or malformed variable is named at once", async () => {
  const env = { PUSHTUNE_MASTER: "http://m:8080", PUSHTUNE_TRIAL_ID: "x", PUSHTUNE_HPARAMS: "[1]" };
  const error = await init({ env, handleExitSignals: false }).then(
    () => null,
    (e: unknown) => e as Error,
  );
  expect(error?.message).toMatch(/PUSHTUNE_TOKEN is not set/);
  expect(error?.message).toMatch(/PUSHTUNE_TRIAL_ID must be an integer >= 1, got "x"/);
  expect(error?.message).toMatch(/PUSHTUNE_HPARAMS: expected a JSON object/);
  expect(error?.message).toMatch(/PUSHTUNE_EXPERIMENT_CONFIG is not set/);
});

test("a config the master's parser would refuse is refused with the fields' paths", async () => {
  const fm = new FakeMaster();
  const config = { ...localExperimentConfig(), scheduling_unit: 0, checkpoint_policy: "some" };
  const env = { ...fm.env(), PUSHTUNE_EXPERIMENT_CONFIG: JSON.stringify(config) };
  await expect(init({ transport: fm, env, handleExitSignals: false })).rejects.toThrow(
    /PUSHTUNE_EXPERIMENT_CONFIG: .*scheduling_unit: .*checkpoint_policy: /,
  );
});

test("a config from a newer master, with fields this SDK does not know, is read without them", async () => {
  // A master spells out every default, so each field added since this SDK was built reaches
  // every trial; refusing them failed every trial of every experiment after an upgrade.
  const config = localExperimentConfig({ scheduling_unit: 7 });
  const newer = {
    ...config,
    placement: { spread: true },
    resources: { ...config.resources, accelerator: "a100" },
    searcher: { ...config.searcher, budget: 3 },
  };
  const fm = new FakeMaster();
  const env = { ...fm.env(), PUSHTUNE_EXPERIMENT_CONFIG: JSON.stringify(newer) };
  const ctx = await init({ transport: fm, env, handleExitSignals: false });
  expect(ctx.config).toEqual(config);
});

test("a config that is not a normalised experiment config is refused", async () => {
  const fm = new FakeMaster();
  const env = { ...fm.env(), PUSHTUNE_EXPERIMENT_CONFIG: '{"searcher": {"metric": 5}}' };
  await expect(init({ transport: fm, env, handleExitSignals: false })).rejects.toThrow(
    /PUSHTUNE_EXPERIMENT_CONFIG: not a normalised experiment config/,
  );
});

test("a config read again (the next trial of a process) is an equal, separate copy", () => {
  const json = JSON.stringify(localExperimentConfig({ scheduling_unit: 7 }));
  const first = readExperimentConfig(json);
  (first as { scheduling_unit: number }).scheduling_unit = 99;
  const second = readExperimentConfig(json);
  expect(second.scheduling_unit).toBe(7);
  expect(second).not.toBe(readExperimentConfig(json));
});

test("PUSHTUNE_OPERATION saves the first ask; it is taken once, and a malformed one means ask", async () => {
  const fm = new FakeMaster({ ops: [10] });
  const env: Record<string, string | undefined> = {
    ...fm.env(),
    PUSHTUNE_OPERATION: JSON.stringify({ op: { length: 10 }, completed: false }),
  };
  const ctx = await init({ transport: fm, env, handleExitSignals: false });
  expect(env.PUSHTUNE_OPERATION).toBeUndefined();
  const lengths: number[] = [];
  for await (const op of ctx.searcher.operations()) {
    lengths.push(op.length);
    await op.reportCompleted(0.5);
  }
  await ctx.close();
  expect(lengths).toEqual([10]);
  expect(fm.requests.filter((r) => r.path.includes("/searcher/operation"))).toEqual([]);

  const asked = new FakeMaster({ ops: [10] });
  const bad = { ...asked.env(), PUSHTUNE_OPERATION: '{"op": {"length": -1}}' };
  const again = await init({ transport: asked, env: bad, handleExitSignals: false });
  for await (const op of again.searcher.operations()) await op.reportCompleted(0.5);
  await again.close();
  expect(asked.completedOperations.map((o) => o.length)).toEqual([10]);
  expect(asked.requests.filter((r) => r.path.includes("/searcher/operation"))).toHaveLength(1);
});
