import { expect, test } from "vitest";
import type { HParams } from "../../../src/protocol/config/types.js";
import {
  type ConformanceContext,
  newExperiment,
  newUser,
  rejection,
  sampleConfig,
} from "./context.js";

/** Values that trip up JSON in text columns: nesting, unicode, extremes. */
export const trickyHParams: HParams = {
  lr: 0.000123,
  tiny: 5e-324,
  huge: 1.7976931348623157e308,
  maxSafe: Number.MAX_SAFE_INTEGER,
  negative: -42,
  name: "学习率 — ünïcödé 🚀",
  quotes: `it's "quoted" \\ back\\slash`,
  control: "tab\tnew\nline\u0000nul",
  flags: [true, false, null],
  model: {
    depth: 3,
    layers: [
      { units: 64, act: "relu" },
      { units: 10, act: "softmax" },
    ],
  },
  empty: {},
};

export function experimentTests(ctx: ConformanceContext): void {
  test("a new experiment is ACTIVE with no progress, best metric, snapshot or end", async () => {
    const { store } = ctx;
    const user = await newUser(store);
    const before = Date.now();
    const experiment = await store.createExperiment({
      name: "mnist",
      config: sampleConfig(),
      configYaml: "name: mnist\n",
      workdir: "/srv/mnist",
      ownerId: user.id,
    });
    expect(experiment).toMatchObject({
      name: "mnist",
      state: "ACTIVE",
      configYaml: "name: mnist\n",
      workdir: "/srv/mnist",
      ownerId: user.id,
      progress: 0,
      bestMetric: null,
      endedAt: null,
      endReason: null,
    });
    expect(experiment.createdAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(await store.getExperiment(experiment.id)).toEqual(experiment);
    expect(await store.getSearcherSnapshot(experiment.id)).toBeNull();
  });

  test("the config round-trips exactly, with nested hyperparameters, unicode and extremes", async () => {
    const { store } = ctx;
    const user = await newUser(store);
    const config = sampleConfig({
      description: "Ünïcödé: 训练 🚀",
      hyperparameters: {
        nested: {
          type: "object",
          fields: {
            inner: { type: "categorical", vals: [trickyHParams, "x", 1e21, null] },
          },
        },
      },
      environment: { variables: { PATH_EXTRA: "/opt/bin", EMPTY: "" } },
    });
    const experiment = await store.createExperiment({
      name: "tricky",
      config,
      configYaml: 'description: "Ünïcödé"\n',
      workdir: "/w",
      ownerId: user.id,
    });
    expect((await store.getExperiment(experiment.id))?.config).toEqual(config);
  });

  test("an unknown experiment is null", async () => {
    expect(await ctx.store.getExperiment(987_654_321)).toBeNull();
    expect(await ctx.store.getSearcherSnapshot(987_654_321)).toBeNull();
  });

  test("an experiment needs an existing owner", async () => {
    const { store } = ctx;
    const error = await rejection(() =>
      store.createExperiment({
        name: "orphan",
        config: sampleConfig(),
        configYaml: null,
        workdir: "/w",
        ownerId: 987_654_321,
      }),
    );
    expect(error).toBeInstanceOf(Error);
  });

  test("experiments are listed in creation order and filtered by state", async () => {
    const { store } = ctx;
    const user = await newUser(store);
    const a = await newExperiment(store, user);
    const b = await newExperiment(store, user);
    const c = await newExperiment(store, user);
    await store.updateExperiment(b.id, { state: "PAUSED" });
    await store.updateExperiment(c.id, { state: "COMPLETED" });
    const mine = (rows: { id: number }[]) =>
      rows.map((r) => r.id).filter((id) => [a.id, b.id, c.id].includes(id));
    expect(mine(await store.listExperiments())).toEqual([a.id, b.id, c.id]);
    expect(mine(await store.listExperiments({}))).toEqual([a.id, b.id, c.id]);
    expect(mine(await store.listExperiments({ states: ["ACTIVE", "PAUSED"] }))).toEqual([
      a.id,
      b.id,
    ]);
    expect(mine(await store.listExperiments({ states: ["COMPLETED"] }))).toEqual([c.id]);
    expect(await store.listExperiments({ states: [] })).toEqual([]);
  });

  test("a searcher snapshot is kept apart from its experiment, the latest in place of the one before", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const other = await newExperiment(store);
    expect(await store.getSearcherSnapshot(experiment.id)).toBeNull();
    const first = JSON.stringify({ version: 1, rng: [1, 2, 3, 4] });
    await store.putSearcherSnapshot(experiment.id, 17, first);
    expect(await store.getSearcherSnapshot(experiment.id)).toEqual({ seq: 17, snapshot: first });
    const large = JSON.stringify({ version: 1, trials: "x".repeat(200_000) });
    await store.putSearcherSnapshot(experiment.id, 217, large);
    expect(await store.getSearcherSnapshot(experiment.id)).toEqual({ seq: 217, snapshot: large });
    expect(await store.getSearcherSnapshot(other.id)).toBeNull();
    // The experiment's own row is unchanged by it, and does not carry it.
    expect(await store.getExperiment(experiment.id)).toEqual(experiment);
  });

  test("updateExperiment changes only the fields in the patch", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const endedAt = new Date(Date.UTC(2031, 4, 6, 7, 8, 9, 123));
    await store.updateExperiment(experiment.id, {
      state: "STOPPING_CANCELED",
      progress: 0.25,
      bestMetric: -1.5e-7,
    });
    await store.updateExperiment(experiment.id, { progress: 0.5 });
    await store.updateExperiment(experiment.id, {});
    const updated = await store.getExperiment(experiment.id);
    expect(updated).toEqual({
      ...experiment,
      state: "STOPPING_CANCELED",
      progress: 0.5,
      bestMetric: -1.5e-7,
    });
    expect((await store.listExperiments()).find((e) => e.id === experiment.id)).toEqual(updated);
    await store.updateExperiment(experiment.id, {
      state: "CANCELED",
      endedAt,
      endReason: "canceled by ada",
    });
    const ended = await store.getExperiment(experiment.id);
    expect(ended?.endedAt).toBeInstanceOf(Date);
    expect(ended?.endedAt?.getTime()).toBe(endedAt.getTime());
    expect(ended?.endReason).toBe("canceled by ada");
  });

  test("nullable experiment fields can be cleared with null", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    await store.updateExperiment(experiment.id, {
      bestMetric: 1,
      endedAt: new Date(),
      endReason: "x",
    });
    await store.updateExperiment(experiment.id, {
      bestMetric: null,
      endedAt: null,
      endReason: null,
    });
    expect(await store.getExperiment(experiment.id)).toMatchObject({
      bestMetric: null,
      endedAt: null,
      endReason: null,
    });
  });

  test("updating an unknown experiment changes nothing", async () => {
    const { store } = ctx;
    await store.updateExperiment(987_654_321, { state: "PAUSED" });
    expect(await store.getExperiment(987_654_321)).toBeNull();
  });

  test("experiment ids are distinct and increasing", async () => {
    const { store } = ctx;
    const user = await newUser(store);
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await newExperiment(store, user)).id);
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);
    expect(new Set(ids).size).toBe(5);
  });
}
