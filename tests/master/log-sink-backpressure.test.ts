/**
 * The master holds a bounded amount of trial output that the store has not
 * taken yet: past the high-water mark, `room()` makes whoever feeds the sink
 * wait until the store has caught up, and log pushes over REST wait for
 * their answer meanwhile. Every line is still stored, once and in order.
 */
import { afterEach, expect, test } from "vitest";
import type { MasterContext } from "../../src/master/app/context.js";
import { HIGH_WATER, LogSink } from "../../src/master/app/log-sink.js";
import { Notifier } from "../../src/master/app/notifier.js";
import type { LogLine } from "../../src/master/storage/store.js";
import { singleConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";
import { running } from "./support/trial.js";

/** A promise and what resolves it. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A sink over a store whose inserts wait until `open()` is called. */
function sinkOverSlowStore() {
  const stored: string[] = [];
  const gate = deferred();
  const store = {
    async addLogs(lines: Omit<LogLine, "id">[]) {
      await gate.promise;
      stored.push(...lines.map((l) => l.line));
    },
  };
  const ctx = { store, notifier: new Notifier(), now: () => new Date() };
  const sink = new LogSink(ctx as unknown as MasterContext);
  sink.register("a1", 1);
  return {
    sink,
    stored,
    open: () => gate.resolve(),
  };
}

const settled = (p: Promise<void>) =>
  Promise.race([p.then(() => true), new Promise((r) => setTimeout(() => r(false), 50))]);

test("past its high-water mark the sink has no room until the store has caught up, and loses no line", async () => {
  const { sink, stored, open } = sinkOverSlowStore();
  const line = "x".repeat(1000);
  let added = 0;
  while (sink.room() === null) {
    sink.add("a1", "stdout", `${added++} ${line}`, new Date());
    expect(added).toBeLessThan(HIGH_WATER / line.length + 1);
  }
  // About the high-water mark's worth is held, not more.
  expect(added).toBeGreaterThan((HIGH_WATER / (line.length + 200)) | 0);
  const room = sink.room()!;
  expect(await settled(room)).toBe(false);
  expect(sink.room()).toBe(room);

  open();
  // Resolves once the store has caught up (however long a loaded machine takes).
  await room;
  expect(sink.room()).toBeNull();
  await sink.flush();
  expect(stored).toHaveLength(added);
  expect(stored.map((l) => Number(l.split(" ")[0]))).toEqual([...Array(added).keys()]);
});

test("a batch the store refuses still frees its room", async () => {
  const sink = new LogSink({
    store: { addLogs: () => Promise.reject(new Error("disk full")) },
    notifier: new Notifier(),
    now: () => new Date(),
  } as unknown as MasterContext);
  sink.register("a1", 1);
  const line = "x".repeat(64 * 1024);
  while (sink.room() === null) sink.add("a1", "stdout", line, new Date());
  const room = sink.room()!;
  const quiet = console.error;
  console.error = () => {};
  try {
    await sink.flush();
  } finally {
    console.error = quiet;
  }
  expect(await settled(room)).toBe(true);
  expect(sink.room()).toBeNull();
});

let tm: TestMaster | null = null;
afterEach(async () => {
  await tm?.close();
  tm = null;
});

test("a log push waits for its answer while the master has no room for its lines", async () => {
  tm = await startTestMaster({ slots: 1 });
  await createExperiment(tm, singleConfig("chatty"));
  await tm.settle();
  const spec = running(tm)[0]!;
  const full = deferred();
  const logs = tm.master.supervisor.logs;
  logs.room = () => full.promise;

  let answered = false;
  const push = tm
    .as(spec.env.PUSHTUNE_TOKEN!)
    .post(`/trials/${spec.trialId}/logs`, { lines: [{ stream: "stdout", line: "epoch 1" }] })
    .then((r) => {
      answered = true;
      return r;
    });
  await new Promise((r) => setTimeout(r, 200));
  expect(answered).toBe(false);
  full.resolve();
  expect((await push).status).toBe(200);
  await logs.flush();
  const lines = await tm.store.listLogs({ trialId: spec.trialId, limit: 10 });
  expect(lines.map((l) => l.line)).toContain("epoch 1");
});
