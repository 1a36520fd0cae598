/**
 * A master that dies while it starts a new experiment's search (a large
 * search's first trials take a while to store) leaves either the experiment
 * with its search started or no experiment at all: never an ACTIVE or PAUSED
 * experiment that a restarted master has nothing to run for. The create was
 * never answered, so nothing is lost; the user sends it again.
 */
import { afterEach, expect, test } from "vitest";
import type { Store } from "../../src/master/storage/store.js";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

/** The next transaction stops, as the master's death would, once it logs a searcher event. */
function dieWhileStartingSearch(store: Store): void {
  const transaction = store.transaction.bind(store);
  store.transaction = (fn) => {
    store.transaction = transaction;
    return transaction((tx) => {
      tx.appendSearcherEvent = async () => {
        throw new Error("the master died");
      };
      return fn(tx);
    });
  };
}

test.each([
  ["active", true],
  ["paused", false],
])(
  "an experiment created %s whose search never started is not left behind",
  async (_name, activate) => {
    tm = await startTestMaster({ slots: 2 });
    dieWhileStartingSearch(tm.store);
    const res = await tm.admin.post("/experiments", {
      config: ashaConfig(),
      workdir: "/tmp",
      activate,
    });
    expect(res.status).toBe(500);
    await tm.restart();
    const left = [];
    for (const e of await tm.store.listExperiments()) {
      const trials = await tm.store.listTrials({ experimentId: e.id });
      left.push({ id: e.id, state: e.state, trials: trials.length });
    }
    expect(left).toEqual([]);
    // The same create again starts its search.
    const again = await tm.admin.post<{ id: number }>("/experiments", {
      config: ashaConfig(),
      workdir: "/tmp",
    });
    expect(again.status).toBe(201);
    await tm.settle();
    expect(await tm.store.listTrials({ experimentId: again.body.id })).toHaveLength(3);
  },
);
