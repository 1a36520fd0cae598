/**
 * Forking an experiment and continuing an ended trial make new experiments:
 * a fork runs the source's config (or an edited one) in the same workdir; a
 * continued trial is a one-trial `single` search warm-started from the trial's
 * latest checkpoint. Bad input is a 4xx naming what was wrong.
 */
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { ExperimentDetail } from "../../src/protocol/api/resources.js";
import { ashaConfig, pbtConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { running, trial } from "./support/trial.js";

let tm: TestMaster;
beforeEach(async () => {
  tm = await startTestMaster({ slots: 2 });
});
afterEach(async () => tm.close());

type Err = { error: { code: string; message: string } };

const singleConfig = (extra: Record<string, unknown> = {}) => ({
  name: "one",
  entrypoint: "node train.js",
  hyperparameters: { lr: 0.01, model: { depth: { type: "int", minval: 1, maxval: 3 } } },
  searcher: { name: "single", metric: "validation_loss", max_length: { batches: 100 }, ...extra },
  reproducibility: { experiment_seed: 3 },
});

/** An experiment of one trial that trains to 100, checkpoints there, and completes. */
async function endedTrial(): Promise<{ experimentId: number; trialId: number; uuid: string }> {
  const created = await tm.admin.post<ExperimentDetail>("/experiments", {
    config: singleConfig(),
    workdir: "/tmp",
  });
  expect(created.status).toBe(201);
  await tm.settle();
  const [spec] = running(tm);
  const t = trial(tm, spec!.trialId);
  const uuid = randomUUID();
  await t.api.post("/checkpoints", {
    uuid,
    trialId: t.id,
    stepsCompleted: 100,
    resources: { "w.bin": 3 },
    metadata: {},
  });
  await t.complete(100, 0.5);
  await t.exit(0);
  expect((await tm.store.getTrial(t.id))?.state).toBe("COMPLETED");
  return { experimentId: created.body.id, trialId: t.id, uuid };
}

describe("forking an experiment", () => {
  test("without a config, the fork runs the source's config, every default spelled out, in its workdir", async () => {
    const src = await tm.admin.post<ExperimentDetail>("/experiments", {
      config: ashaConfig(),
      workdir: "/tmp",
    });
    const fork = await tm.admin.post<ExperimentDetail>(`/experiments/${src.body.id}/fork`, {});
    expect(fork.status).toBe(201);
    expect(fork.body.id).not.toBe(src.body.id);
    expect(fork.body.config).toEqual(src.body.config);
    expect((await tm.store.getExperiment(fork.body.id))?.workdir).toBe("/tmp");
  });

  test("an edited config is what the fork runs; an invalid one is a 400 naming the field", async () => {
    const src = await tm.admin.post<ExperimentDetail>("/experiments", {
      config: ashaConfig(),
      workdir: "/tmp",
    });
    const edited = await tm.admin.post<ExperimentDetail>(`/experiments/${src.body.id}/fork`, {
      configYaml:
        "name: edited\nentrypoint: node train.js\nsearcher: {name: random, metric: loss, max_length: 10, max_trials: 2}\n",
    });
    expect(edited.status).toBe(201);
    expect(edited.body.name).toBe("edited");
    expect(edited.body.searcher).toBe("random");
    const bad = await tm.admin.post<Err>(`/experiments/${src.body.id}/fork`, {
      configYaml:
        "entrypoint: x\nsearcher: {name: random, metric: loss, max_length: 10, max_trials: ten}\n",
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("INVALID_CONFIG");
    expect(bad.body.error.message).toContain("searcher.max_trials");
    const missing = await tm.admin.post<Err>("/experiments/999/fork", {});
    expect(missing.status).toBe(404);
  });
});

describe("continuing a trial", () => {
  test("keeps the source experiment from being deleted while the continued one runs", async () => {
    const { experimentId, trialId, uuid } = await endedTrial();
    const cont = await tm.admin.post<ExperimentDetail>(`/trials/${trialId}/continue`, {
      length: 300,
    });
    await tm.settle();
    const refused = await tm.admin.del<Err>(`/experiments/${experimentId}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("EXPERIMENT_IN_USE");
    expect(refused.body.error.message).toContain(`experiment ${cont.body.id} (ACTIVE)`);
    expect(await tm.store.getCheckpoint(uuid)).not.toBeNull();
    await tm.admin.post(`/experiments/${cont.body.id}/kill`);
    await tm.settle();
    expect((await tm.admin.del(`/experiments/${experimentId}`)).status).toBe(204);
  });

  test("makes a one-trial experiment that starts from the trial's latest checkpoint and trains to the new length", async () => {
    const { trialId, uuid } = await endedTrial();
    const res = await tm.admin.post<ExperimentDetail>(`/trials/${trialId}/continue`, {
      length: 300,
    });
    expect(res.status).toBe(201);
    expect(res.body.searcher).toBe("single");
    expect((res.body.config as { searcher: unknown }).searcher).toMatchObject({
      name: "single",
      max_length: { unit: "batches", value: 300 },
      source_checkpoint_uuid: uuid,
    });
    await tm.settle();
    const [spec] = running(tm);
    expect(spec?.experimentId).toBe(res.body.id);
    const source = await tm.store.getTrial(trialId);
    expect(JSON.parse(spec!.env.PUSHTUNE_HPARAMS!)).toEqual(source!.hparams);
    expect(spec!.env.PUSHTUNE_LATEST_CHECKPOINT).toBe(uuid);
    expect(JSON.parse(spec!.env.PUSHTUNE_OPERATION!)).toEqual({
      op: { length: 300 },
      completed: false,
    });
    // The source keeps its end state.
    expect(source?.state).toBe("COMPLETED");
  });

  test("bad requests are refused with what was wrong", async () => {
    const { trialId } = await endedTrial();
    const cases: [unknown, number, string][] = [
      [{ length: 100 }, 400, "length must be larger than the 100 batches"],
      [{ length: 50 }, 400, "length must be larger"],
      [{}, 400, "length"],
      [{ length: "more" }, 400, "length"],
      // Past what a length can be, named as the request's field, not the config it would make.
      [{ length: 2 ** 53 }, 400, "body/length: must be <= 9007199254740991"],
    ];
    for (const [body, status, message] of cases) {
      const res = await tm.admin.post<Err>(`/trials/${trialId}/continue`, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error.message).toContain(message);
    }
    const missing = await tm.admin.post<Err>("/trials/999/continue", { length: 500 });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("TRIAL_NOT_FOUND");
  });

  test("a trial that has not ended, or has no checkpoint, cannot be continued", async () => {
    await tm.admin.post("/experiments", { config: singleConfig(), workdir: "/tmp" });
    await tm.settle();
    const [spec] = running(tm);
    const live = await tm.admin.post<Err>(`/trials/${spec!.trialId}/continue`, { length: 500 });
    expect(live.status).toBe(409);
    expect(live.body.error.message).toContain("only an ended trial can be continued");
    const t = trial(tm, spec!.trialId);
    await t.complete(100, 0.5);
    await t.exit(0);
    const none = await tm.admin.post<Err>(`/trials/${t.id}/continue`, { length: 500 });
    expect(none.status).toBe(400);
    expect(none.body.error.message).toContain("no stored checkpoint");
  });
});

describe("searcher.source_checkpoint_uuid", () => {
  test("must name a stored checkpoint in the experiment's own checkpoint storage", async () => {
    const { uuid } = await endedTrial();
    const unknown = await tm.admin.post<Err>("/experiments", {
      config: singleConfig({ source_checkpoint_uuid: randomUUID() }),
      workdir: "/tmp",
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain("searcher.source_checkpoint_uuid");
    const elsewhere = await tm.admin.post<Err>("/experiments", {
      config: {
        ...singleConfig({ source_checkpoint_uuid: uuid }),
        checkpoint_storage: { type: "shared_fs", host_path: "/tmp/elsewhere" },
      },
      workdir: "/tmp",
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.message).toContain("use the same checkpoint_storage");
    const notUuid = await tm.admin.post<Err>("/experiments", {
      config: singleConfig({ source_checkpoint_uuid: "latest" }),
      workdir: "/tmp",
    });
    expect(notUuid.status).toBe(400);
    expect(notUuid.body.error.message).toContain("must be a checkpoint uuid");
  });

  test("a pbt population's first trials start from it", async () => {
    const { uuid } = await endedTrial();
    const res = await tm.admin.post<ExperimentDetail>("/experiments", {
      config: pbtConfig({ population_size: 2, source_checkpoint_uuid: uuid }),
      workdir: "/tmp",
    });
    expect(res.status).toBe(201);
    await tm.settle();
    const specs = running(tm).filter((s) => s.experimentId === res.body.id);
    expect(specs).toHaveLength(2);
    for (const spec of specs) expect(spec.env.PUSHTUNE_LATEST_CHECKPOINT).toBe(uuid);
  });
});
