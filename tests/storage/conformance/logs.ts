import { expect, test } from "vitest";
import type { LogLine, Store } from "../../../src/master/storage/store.js";
import { type ConformanceContext, newExperiment, newTrial } from "./context.js";

function lines(trialId: number, texts: string[], stream: LogLine["stream"] = "stdout") {
  return texts.map((line, i) => ({
    trialId,
    allocationId: "alloc-1",
    time: new Date(Date.UTC(2030, 0, 1, 0, 0, 0, i)),
    stream,
    line,
  }));
}

const texts = (rows: LogLine[]) => rows.map((r) => r.line);

async function trialWithLogs(store: Store, count: number) {
  const trial = await newTrial(store, await newExperiment(store));
  await store.addLogs(
    lines(
      trial.id,
      Array.from({ length: count }, (_, i) => `line ${i + 1}`),
    ),
  );
  return trial;
}

export function logTests(ctx: ConformanceContext): void {
  test("log lines read back whole and in order", async () => {
    const { store } = ctx;
    const trial = await newTrial(store, await newExperiment(store));
    const input = [
      ...lines(trial.id, ["epoch 1", "ünïcödé ✓ 训练"]),
      {
        trialId: trial.id,
        allocationId: null,
        time: new Date(5),
        stream: "master" as const,
        line: "",
      },
      ...lines(trial.id, ["Traceback (most recent call last):"], "stderr"),
    ];
    await store.addLogs(input);
    const rows = await store.listLogs({ trialId: trial.id, limit: 100 });
    expect(rows.map(({ id: _id, ...rest }) => rest)).toEqual(input);
    const ids = rows.map((r) => r.id);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    await store.addLogs([]);
  });

  test("after and limit page through a trial's lines", async () => {
    const { store } = ctx;
    const trial = await trialWithLogs(store, 10);
    const first = await store.listLogs({ trialId: trial.id, limit: 4 });
    expect(texts(first)).toEqual(["line 1", "line 2", "line 3", "line 4"]);
    const next = await store.listLogs({ trialId: trial.id, after: first[3]!.id, limit: 4 });
    expect(texts(next)).toEqual(["line 5", "line 6", "line 7", "line 8"]);
    const rest = await store.listLogs({ trialId: trial.id, after: next[3]!.id, limit: 4 });
    expect(texts(rest)).toEqual(["line 9", "line 10"]);
    expect(await store.listLogs({ trialId: trial.id, after: rest[1]!.id, limit: 4 })).toEqual([]);
    expect(await store.listLogs({ trialId: trial.id, limit: 0 })).toEqual([]);
    // Up to a line's id (a sized page's last), however many the limit allows.
    const between = await store.listLogs({
      trialId: trial.id,
      after: first[1]!.id,
      through: next[0]!.id,
      limit: 100,
    });
    expect(texts(between)).toEqual(["line 3", "line 4", "line 5"]);
  });

  test("tail returns the newest lines, oldest first", async () => {
    const { store } = ctx;
    const trial = await trialWithLogs(store, 10);
    expect(texts(await store.listLogs({ trialId: trial.id, limit: 100, tail: 3 }))).toEqual([
      "line 8",
      "line 9",
      "line 10",
    ]);
    expect(texts(await store.listLogs({ trialId: trial.id, limit: 2, tail: 3 }))).toEqual([
      "line 9",
      "line 10",
    ]);
    expect(await store.listLogs({ trialId: trial.id, limit: 100, tail: 50 })).toHaveLength(10);
    expect(await store.listLogs({ trialId: trial.id, limit: 100, tail: 0 })).toEqual([]);
  });

  test("tail with after counts only lines after the cursor", async () => {
    const { store } = ctx;
    const trial = await trialWithLogs(store, 10);
    const all = await store.listLogs({ trialId: trial.id, limit: 100 });
    const cursor = all[7]!.id; // after "line 8"
    expect(
      texts(await store.listLogs({ trialId: trial.id, after: cursor, limit: 100, tail: 5 })),
    ).toEqual(["line 9", "line 10"]);
  });

  test("lines of other trials are never mixed in", async () => {
    const { store } = ctx;
    const experiment = await newExperiment(store);
    const a = await newTrial(store, experiment, 1);
    const b = await newTrial(store, experiment, 2);
    await store.addLogs([...lines(a.id, ["a1"]), ...lines(b.id, ["b1"]), ...lines(a.id, ["a2"])]);
    expect(texts(await store.listLogs({ trialId: a.id, limit: 10 }))).toEqual(["a1", "a2"]);
    expect(texts(await store.listLogs({ trialId: b.id, limit: 10, tail: 10 }))).toEqual(["b1"]);
  });

  test("a large batch of lines is stored whole", async () => {
    const { store } = ctx;
    const trial = await trialWithLogs(store, 2_345);
    const rows = await store.listLogs({ trialId: trial.id, limit: 10_000 });
    expect(rows).toHaveLength(2_345);
    expect(rows[2_344]?.line).toBe("line 2345");
  });

  test("NUL characters, which PostgreSQL text cannot hold, are stored as U+FFFD", async () => {
    const { store } = ctx;
    const trial = await newTrial(store, await newExperiment(store));
    await store.addLogs(lines(trial.id, ["bin\u0000ary\u0000"]));
    expect(texts(await store.listLogs({ trialId: trial.id, limit: 1 }))).toEqual([
      "bin\uFFFDary\uFFFD",
    ]);
  });
}
