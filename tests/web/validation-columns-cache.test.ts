/** The columns cache answers what the store holds, reading each row once, and forgets hidden rows. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import {
  type ColumnsPage,
  columnsJson,
  ValidationColumnsCache,
} from "../../src/master/http/routes/validation-columns-cache.js";
import { openStore } from "../../src/master/storage/open-store.js";
import type { Store } from "../../src/master/storage/store.js";
import { parseExperimentConfig } from "../../src/protocol/config/index.js";

let store: Store | null = null;
let dir = "";
afterEach(async () => {
  await store?.close();
  store = null;
  await rm(dir, { recursive: true, force: true });
});

async function setup() {
  dir = await mkdtemp(join(tmpdir(), "pushtune-columns-"));
  const s = await openStore(join(dir, "db.sqlite"));
  store = s;
  const parsed = parseExperimentConfig({
    entrypoint: "true",
    searcher: { name: "random", metric: "loss", max_length: 1000, max_trials: 10 },
  });
  if (!parsed.ok) throw new Error("config");
  const user = await s.createUser({ username: "u", passwordHash: null, admin: true });
  const experiment = async () =>
    (
      await s.createExperiment({
        name: "e",
        config: parsed.config,
        configYaml: null,
        workdir: "/tmp",
        ownerId: user.id,
      })
    ).id;
  const trial = async (experimentId: number, requestId: number) =>
    (await s.createTrial({ experimentId, requestId, hparams: {}, trialSeed: requestId })).id;
  const report = (trialId: number, runId: number, points: [number, number][]) =>
    s.addMetrics(
      trialId,
      runId,
      points.map(([step, loss]) => ({
        group: "validation" as const,
        stepsCompleted: step,
        metrics: { loss },
        reportTime: new Date(),
      })),
    );
  return { s, experiment, trial, report };
}

/** What the store says is visible, as [trialId, step, value] triples. */
async function visible(s: Store, experimentId: number) {
  const rows = await s.listMetrics({ experimentId, limit: 100_000 });
  return rows.map((r) => [r.trialId, r.stepsCompleted, r.metrics.loss]);
}

const triples = (p: ColumnsPage) => Array.from(p.trialIds, (t, i) => [t, p.steps[i], p.values[i]]);

describe("validation columns cache", () => {
  test("its JSON is what JSON.stringify would write", () => {
    const page: ColumnsPage = {
      trialIds: new Float64Array([1, 2]),
      steps: new Float64Array([100, 2 ** 40]),
      values: new Float64Array([0.1 + 0.2, -1.5e-300]),
      times: new Float64Array([1_700_000_000_000, 1_700_000_000_123]),
      next: 17,
      more: false,
    };
    expect(JSON.parse(columnsJson('a "metric"', page))).toEqual({
      metric: 'a "metric"',
      trialIds: [1, 2],
      steps: [100, 2 ** 40],
      values: [0.1 + 0.2, -1.5e-300],
      times: [1_700_000_000_000, 1_700_000_000_123],
      next: 17,
      more: false,
    });
  });

  test("a trial restarted from an earlier checkpoint loses its hidden points once the new run reports", async () => {
    const { s, experiment, trial, report } = await setup();
    const e = await experiment();
    const a = await trial(e, 1);
    const b = await trial(e, 2);
    await report(a, 1, [
      [100, 0.9],
      [200, 0.8],
      [300, 0.7],
      [400, 0.6],
    ]);
    await report(b, 1, [[100, 0.5]]);
    const cache = new ValidationColumnsCache();
    const first = await cache.page(s, e, "loss", 0, 1000);
    expect(triples(first)).toEqual(await visible(s, e));

    // Trial a restarts from its checkpoint at 200 as run 2, and reports 300 again.
    await s.hideMetricsAfter(a, 2, 200);
    await report(a, 2, [[300, 0.65]]);
    await report(b, 1, [[200, 0.4]]);
    const all = await cache.page(s, e, "loss", 0, 1000);
    expect(triples(all)).toEqual(await visible(s, e));
    expect(triples(all)).toEqual([
      [a, 100, 0.9],
      [a, 200, 0.8],
      [b, 100, 0.5],
      [a, 300, 0.65],
      [b, 200, 0.4],
    ]);
    const newer = await cache.page(s, e, "loss", first.next, 1000);
    expect(triples(newer)).toEqual([
      [a, 300, 0.65],
      [b, 200, 0.4],
    ]);
  });

  test("reads every row from the store once, even when asked twice at the same time", async () => {
    const { s, experiment, trial, report } = await setup();
    const e = await experiment();
    const t = await trial(e, 1);
    await report(
      t,
      1,
      Array.from({ length: 50 }, (_, i) => [(i + 1) * 10, 1 / (i + 1)]),
    );
    let read = 0;
    const counting = new Proxy(s, {
      get(target, key, receiver) {
        if (key === "listExperimentValidationValues")
          return async (q: Parameters<Store["listExperimentValidationValues"]>[0]) => {
            const rows = await target.listExperimentValidationValues(q);
            read += rows.length;
            return rows;
          };
        return Reflect.get(target, key, receiver);
      },
    });
    const cache = new ValidationColumnsCache();
    const [x, y] = await Promise.all([
      cache.page(counting, e, "loss", 0, 1000),
      cache.page(counting, e, "loss", 0, 1000),
    ]);
    expect(columnsJson("loss", x)).toEqual(columnsJson("loss", y));
    expect(x.values).toHaveLength(50);
    await cache.page(counting, e, "loss", 0, 20);
    expect(read).toBe(50);
    const paged = await cache.page(counting, e, "loss", 0, 20);
    expect(paged).toMatchObject({ more: true });
    expect(Array.from(paged.values)).toEqual(Array.from(x.values.slice(0, 20)));
  });

  test("past its size the least recently used experiment is dropped and read again when asked", async () => {
    const { s, experiment, trial, report } = await setup();
    const e1 = await experiment();
    const e2 = await experiment();
    await report(await trial(e1, 1), 1, [
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    await report(await trial(e2, 1), 1, [
      [1, 4],
      [2, 5],
    ]);
    const cache = new ValidationColumnsCache(4);
    const values = async (e: number) => Array.from((await cache.page(s, e, "loss", 0, 100)).values);
    expect(await values(e1)).toEqual([1, 2, 3]);
    expect(await values(e2)).toEqual([4, 5]);
    expect(await values(e1)).toEqual([1, 2, 3]);
    expect(await values(e2)).toEqual([4, 5]);
  });

  test("the bound is on the room the columns take: many small experiments viewed once stay within it", async () => {
    const { s, experiment, trial, report } = await setup();
    const cache = new ValidationColumnsCache(1_000);
    for (let i = 0; i < 200; i++) {
      const e = await experiment();
      await report(await trial(e, 1), 1, [[1, i]]);
      expect(Array.from((await cache.page(s, e, "loss", 0, 100)).values)).toEqual([i]);
      expect(cache.size.room).toBeLessThanOrEqual(1_000);
    }
    // Each keeps room for a few points, not a block of a thousand.
    expect(cache.size.experiments).toBeGreaterThan(50);
  });
});
