/**
 * A scheduling pass that fails (the store refused a read) decided nothing: a
 * pass asked for after it was queued still runs, and starts the trial that
 * waits for a slot.
 */
import { afterEach, expect, test } from "vitest";
import { singleConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

/** The store's first read of the experiments fails; `count` is how many reads were tried. */
function failFirstRead(): { count: number } {
  const store = tm.master.ctx.store;
  const list = store.listExperiments.bind(store);
  const reads = { count: 0 };
  store.listExperiments = async (q) => {
    if (reads.count++ === 0) throw new Error("database is locked");
    return list(q);
  };
  return reads;
}

test("a pass asked for while a failing pass was queued still runs", async () => {
  tm = await startTestMaster({ slots: 2 });
  const supervisor = tm.master.supervisor;
  // Work ahead of the passes (an exit being read, say) holds the queue.
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  supervisor.enqueue(() => gate);

  const first = await createExperiment(tm, singleConfig("first"));
  await new Promise((r) => setImmediate(r)); // its pass is queued behind the gate
  const second = await createExperiment(tm, singleConfig("second"));
  await new Promise((r) => setImmediate(r)); // and the second experiment's pass behind it

  // The first pass's read fails once (a busy database, a dropped connection).
  failFirstRead();
  release();
  await tm.settle();

  // The second pass, asked for after the failed one was queued, starts both trials.
  expect(tm.launcher.launched.map((s) => s.experimentId).sort()).toEqual([first, second].sort());
});

test("a failed pass that nothing else follows is tried again a little later", async () => {
  tm = await startTestMaster({ slots: 2 });
  const reads = failFirstRead();
  const created = await createExperiment(tm, singleConfig("alone"));
  await tm.settle();
  expect(reads.count).toBeGreaterThan(0);
  // No other change asks for a pass: the retry alone starts the trial.
  await expect
    .poll(() => tm.launcher.launched.map((s) => s.experimentId), { timeout: 10_000 })
    .toEqual([created]);
});
