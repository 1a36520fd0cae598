/**
 * The rungs the web UI polls cost what changed since the last poll: the
 * master keeps each experiment's tally of its searcher event log and reads
 * the events past it only, and the trials created since only when those name
 * one. The answer stays what a tally of the whole log gives, poll after
 * poll, after a restart, and is gone with a deleted experiment. Run on
 * SQLite (rungs-reads.test.ts) and PostgreSQL (rungs-reads.postgres.test.ts).
 */
import { afterEach, expect, test } from "vitest";
import { ashaRungs } from "../../src/master/domain/asha-rungs.js";
import type { Store } from "../../src/master/storage/store.js";
import type { AshaRungs } from "../../src/protocol/api/charts.js";
import { ashaConfig, syntheticLoss } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";
import { TrialPlayer } from "./support/trial-player.js";

let tm: TestMaster;

/** Counts the events and trials `store` hands out. */
function counting(store: Store) {
  const read = { events: 0, trials: 0 };
  const listSearcherEvents = store.listSearcherEvents.bind(store);
  store.listSearcherEvents = async (...args) => {
    const rows = await listSearcherEvents(...args);
    read.events += rows.length;
    return rows;
  };
  const listTrialStubs = store.listTrialStubs.bind(store);
  store.listTrialStubs = async (filter) => {
    const rows = await listTrialStubs(filter);
    read.trials += rows.length;
    return rows;
  };
  return read;
}

/** The rungs of the whole log, read afresh. */
async function wholeLog(store: Store, id: number) {
  const [trials, events, nextOps] = [
    await store.listTrialStubs({ experimentId: id }),
    await store.listSearcherEvents(id),
    await store.listNextTrialOps(id),
  ];
  return {
    rungs: ashaRungs(
      trials,
      events.map((e) => e.event),
      nextOps,
    ),
    events: events.length,
    trials: trials.length,
  };
}

/** Polls the rungs: the answer, and the events and trials the poll read. */
async function poll(id: number) {
  const read = counting(tm.store);
  const res = await tm.admin.get<AshaRungs>(`/experiments/${id}/rungs`);
  expect(res.status).toBe(200);
  return { rungs: res.body.rungs, read: { ...read } };
}

export function rungsReadsTests(db: "sqlite" | "postgres"): void {
  // Here, not at the module's top: a worker that runs both files imports this module once.
  afterEach(async () => tm?.close());

  test("each poll of a running search answers what the whole log gives, reading each event and trial once, also after a restart", async () => {
    tm = await startTestMaster({ db, slots: 3 });
    const id = await createExperiment(tm, ashaConfig({}, { max_trials: 12 }));
    const player = new TrialPlayer(tm, syntheticLoss);
    const read = { events: 0, trials: 0 };
    const check = async () => {
      const { rungs, read: now } = await poll(id);
      const whole = await wholeLog(tm.store, id);
      expect(rungs).toEqual(whole.rungs);
      read.events += now.events;
      read.trials += now.trials;
      expect(read.events).toBe(whole.events);
      expect(read.trials).toBeLessThanOrEqual(whole.trials);
      return whole;
    };
    for (let i = 0; i < 15 && (await player.advance()); i++) await check();
    expect((await check()).rungs.length).toBeGreaterThan(1);
    expect((await tm.store.getExperiment(id))?.state).toBe("ACTIVE");

    // A new master tallies the whole log once, then only what comes after it.
    await tm.restart();
    read.events = 0;
    read.trials = 0;
    let after = 0;
    for (; await player.advance(); after++) await check();
    expect(after).toBeGreaterThan(5);
    const end = await check();
    expect((await tm.store.getExperiment(id))?.state).toBe("COMPLETED");
    expect(end.rungs.map((r) => r.reached.length)).toEqual([12, 4, 1]);
  });

  test("a deleted experiment's rungs are forgotten, and it has none", async () => {
    tm = await startTestMaster({ db, slots: 3 });
    const id = await createExperiment(tm, ashaConfig());
    await new TrialPlayer(tm, syntheticLoss).run(id);
    expect((await poll(id)).rungs.map((r) => r.reached.length)).toEqual([9, 3, 1]);
    expect(tm.master.ctx.rungs.size.experiments).toBe(1);
    expect((await tm.admin.del(`/experiments/${id}`)).status).toBe(204);
    expect(tm.master.ctx.rungs.size).toEqual({ experiments: 0, held: 0 });
    expect((await tm.admin.get(`/experiments/${id}/rungs`)).status).toBe(404);
  });
}
