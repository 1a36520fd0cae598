/**
 * A custom searcher driven over REST: the search process reads the
 * experiment's searcher events and posts operations; posts are fenced by the
 * last event seen, repeats are no-ops, and the whole exchange survives a
 * master restart (bad operations: custom-searcher-refusals.test.ts).
 */
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { customConfig } from "./support/configs.js";
import { newCustomSearch, postOperations } from "./support/custom-search.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";
import { trial } from "./support/trial.js";

interface Event {
  id: number;
  type: string;
  requestId?: number;
  metric?: number;
  length?: number;
  operations: unknown[] | null;
}
interface EventsAnswer {
  events: Event[];
  searchOver: boolean;
  ended: boolean;
  experimentState: string;
}

let tm: TestMaster;
let id: number;

async function events(after = 0, waitSeconds = 0) {
  const res = await tm.admin.get<EventsAnswer>(
    `/experiments/${id}/searcher/events?after=${after}&waitSeconds=${waitSeconds}`,
  );
  expect(res.status).toBe(200);
  return res.body;
}

const post = (body: Record<string, unknown>) => postOperations(tm, id, body);

const hp = (lr: number) => ({ lr, layers: 2, opt: "adam" });

/** An answer that creates trial 1 and trains it to 100 batches. */
const trainFirst = [
  { type: "create", requestId: 1, hparams: hp(0.01) },
  { type: "validateAfter", requestId: 1, length: 100 },
];

beforeEach(async () => {
  tm = await startTestMaster({ slots: 4 });
  id = await newCustomSearch(tm);
});
afterEach(async () => tm.close());

describe("a custom searcher over REST", () => {
  test("the search starts with initialOperations and creates no trial on its own", async () => {
    const first = await events();
    expect(first.events).toEqual([{ id: 1, type: "initialOperations", operations: null }]);
    expect(first.searchOver).toBe(false);
    expect(await tm.store.listTrials({ experimentId: id })).toEqual([]);
  });

  test("posted operations create and train trials, and Shutdown completes the experiment", async () => {
    expect((await post({ lastEventId: 1, operations: trainFirst, progress: 0.1 })).body).toEqual({
      applied: true,
    });
    await tm.settle();
    const page = await events(1);
    expect(page.events.map((e) => [e.type, e.requestId])).toEqual([["trialCreated", 1]]);
    const t = trial(tm, (await tm.store.listTrials({ experimentId: id }))[0]!.id);
    expect(await t.op()).toEqual({ op: { length: 100 }, completed: false });
    // A long poll answers the moment the trial's progress and validation are logged.
    const waiting = events(page.events[0]!.id, 30);
    await t.api.post(`/trials/${t.id}/progress`, { progress: 60 });
    const progressed = await waiting;
    expect(progressed.events.map((e) => [e.type, e.length])).toEqual([["trialProgress", 60]]);
    expect((await t.complete(100, 0.5)).status).toBe(200);
    const validated = (await events(progressed.events[0]!.id)).events;
    expect(validated).toMatchObject([
      { type: "validationCompleted", requestId: 1, metric: 0.5, length: 100 },
    ]);
    const last = validated[0]!.id;
    const done = await post({ lastEventId: last, operations: [{ type: "shutdown" }] });
    expect(done.body).toEqual({ applied: true });
    expect(await t.op()).toEqual({ op: null, completed: true });
    await t.exit(0);
    const end = await events(last);
    expect(end.events.map((e) => e.type)).toEqual(["trialClosed"]);
    expect(end.searchOver).toBe(true);
    expect(end.ended).toBe(true);
    expect(end.experimentState).toBe("COMPLETED");
    const exp = await tm.store.getExperiment(id);
    expect(exp?.progress).toBe(1);
  });

  test("a repeated post is a no-op and a different answer to an answered event is refused", async () => {
    const ops = [{ type: "create", requestId: 1, hparams: hp(0.01) }];
    expect((await post({ lastEventId: 1, operations: ops })).body).toEqual({ applied: true });
    expect((await post({ lastEventId: 1, operations: ops })).body).toEqual({ applied: false });
    const other = await post({
      lastEventId: 1,
      operations: [{ type: "create", requestId: 2, hparams: hp(0.001) }],
    });
    expect(other.status).toBe(409);
    expect(other.body.error?.code).toBe("STALE_SEARCHER_EVENT");
    expect(await tm.store.listTrials({ experimentId: id })).toHaveLength(1);
    // The events show what was accepted in answer to each.
    expect((await events()).events[0]).toEqual({
      id: 1,
      type: "initialOperations",
      operations: ops,
    });
  });

  test("a post for an event before the last one answered is stale", async () => {
    await post({
      lastEventId: 1,
      operations: [{ type: "create", requestId: 1, hparams: hp(0.01) }],
    });
    await tm.settle();
    const created = (await events(1)).events[0]!;
    const next = [{ type: "create", requestId: 2, hparams: hp(0.02) }];
    expect((await post({ lastEventId: created.id, operations: next })).status).toBe(200);
    const stale = await post({
      lastEventId: 1,
      operations: [{ type: "close", requestId: 1 }],
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error?.code).toBe("STALE_SEARCHER_EVENT");
  });

  test("after Shutdown the search takes no more operations", async () => {
    await post({ lastEventId: 1, operations: [{ type: "shutdown" }] });
    await tm.settle();
    const res = await post({
      lastEventId: 1,
      operations: [{ type: "create", requestId: 1, hparams: hp(0.01) }],
    });
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe("STALE_SEARCHER_EVENT");
    const page = await events();
    expect(page.searchOver).toBe(true);
    expect(page.experimentState).toBe("COMPLETED");
  });

  test("a trial's early exit is an event, after which the trial is closed", async () => {
    await post({ lastEventId: 1, operations: trainFirst });
    await tm.settle();
    const created = (await events(1)).events;
    const t = trial(tm, (await tm.store.listTrials({ experimentId: id }))[0]!.id);
    const exited = await t.api.post(`/trials/${t.id}/early_exit`, { reason: "INVALID_HP" });
    expect(exited.status).toBe(200);
    await t.exit(0);
    await tm.settle();
    const after = (await events(created.at(-1)!.id)).events;
    expect(after.map((e) => [e.type, e.requestId])).toEqual([
      ["trialExitedEarly", 1],
      ["trialClosed", 1],
    ]);
    expect(after[0]).toMatchObject({ reason: "INVALID_HP" });
  });

  test("an answer that names a trial which ended after the event it answers skips it, and the rest applies", async () => {
    await post({ lastEventId: 1, operations: trainFirst });
    await tm.settle();
    const t = trial(tm, (await tm.store.listTrials({ experimentId: id }))[0]!.id);
    expect((await t.complete(100, 0.5)).status).toBe(200);
    const validated = (await events()).events.find((e) => e.type === "validationCompleted")!;
    // The trial fails before the search process has answered its validation.
    expect((await t.api.post(`/trials/${t.id}/early_exit`, { reason: "ERRORED" })).status).toBe(
      200,
    );
    const answer = [
      { type: "validateAfter", requestId: 1, length: 200 },
      { type: "close", requestId: 1 },
      { type: "create", requestId: 2, hparams: hp(0.02) },
    ];
    expect((await post({ lastEventId: validated.id, operations: answer })).body).toEqual({
      applied: true,
    });
    await t.exit(0);
    await tm.settle();
    const trials = await tm.store.listTrials({ experimentId: id });
    expect(trials.map((r) => [r.requestId, r.state])).toEqual([
      [1, "ERROR"],
      [2, "ACTIVE"],
    ]);
    // Nothing was asked of the ended trial: its last op is the one it completed.
    expect((await tm.store.listTrialOps(trials[0]!.id)).map((o) => o.length)).toEqual([100]);
    // The answer stands as posted: a search process replaying its events decides it again.
    const answered = (await events()).events.find((e) => e.id === validated.id);
    expect(answered?.operations).toEqual(answer);
  });

  test("a page of events reads the log up to its last event, not to the log's end", async () => {
    await post({ lastEventId: 1, operations: trainFirst });
    await tm.settle();
    // A long log: a trial's progress reports, each an event, answered by the search process here and there.
    await tm.store.transaction(async (tx) => {
      for (let length = 1; length <= 3000; length++)
        await tx.appendSearcherEvent(id, { type: "trialProgress", requestId: 1, length });
    });
    const later = { type: "create", requestId: 2, hparams: hp(0.02) };
    expect((await post({ lastEventId: 2500, operations: [later] })).body).toEqual({
      applied: true,
    });
    const rowsRead: number[] = [];
    const store = tm.store as unknown as Record<string, (...args: unknown[]) => Promise<unknown[]>>;
    for (const name of [
      "listSearcherEvents",
      "listCustomSearcherEventSizes",
      "listCustomSearcherEvents",
    ]) {
      const list = store[name]!.bind(tm.store);
      store[name] = async (...args) => {
        const rows = await list(...args);
        rowsRead.push(rows.length);
        return rows;
      };
    }
    const page = await tm.admin.get<EventsAnswer>(
      `/experiments/${id}/searcher/events?after=0&limit=5&waitSeconds=0`,
    );
    expect(page.body.events.map((e) => [e.id, e.type])).toEqual([
      [1, "initialOperations"],
      [3, "trialCreated"],
      [4, "trialProgress"],
      [5, "trialProgress"],
      [6, "trialProgress"],
    ]);
    expect(page.body.events[0]!.operations).toEqual(trainFirst);
    // Sized, then read: the page's five events, each with its answer, twice.
    expect(rowsRead).toEqual([5, 5]);
    // A repeated post is checked against its answer without reading the log either.
    rowsRead.length = 0;
    const again = await post({ lastEventId: 1, operations: trainFirst });
    expect(again.body).toEqual({ applied: false });
    expect(rowsRead.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1);
  });

  test("a post of progress alone must answer an event the searcher sent", async () => {
    const res = await post({ lastEventId: 99, operations: [], progress: 0.5 });
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toContain("lastEventId: 99 is not the id of an event");
    expect((await tm.store.getExperiment(id))?.progress).toBe(0);
    expect((await post({ lastEventId: 1, operations: [], progress: 0.5 })).body).toEqual({
      applied: true,
    });
    expect((await tm.store.getExperiment(id))?.progress).toBe(0.5);
  });

  test("Shutdown with cancel cancels the experiment; with failure it ends in error, saying the search method said so", async () => {
    for (const [shutdown, state, reason] of [
      [{ type: "shutdown", cancel: true }, "CANCELED", null],
      [
        { type: "shutdown", failure: true },
        "ERROR",
        "the search method shut the search down as failed",
      ],
    ] as const) {
      id = await newCustomSearch(tm);
      expect((await post({ lastEventId: 1, operations: [shutdown] })).body).toEqual({
        applied: true,
      });
      await tm.settle();
      const page = await events();
      expect(page.searchOver).toBe(true);
      expect(page.experimentState).toBe(state);
      expect((await tm.store.getExperiment(id))?.endReason ?? null).toBe(reason);
    }
  });

  test("a preview of a custom searcher says why there is none", async () => {
    const res = await tm.admin.post<{ error: { code: string; message: string } }>(
      "/searcher/preview",
      { config: customConfig() },
    );
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("PREVIEW_UNAVAILABLE");
    expect(res.body.error.message).toContain("searcher.name: custom cannot be previewed");
  });

  test("operations go only to a custom searcher", async () => {
    const other = await tm.admin.post<{ id: number }>("/experiments", {
      config: { ...customConfig(), searcher: { name: "single", metric: "m", max_length: 10 } },
      workdir: "/tmp",
    });
    const res = await tm.admin.post<{ error: { code: string } }>(
      `/experiments/${other.body.id}/searcher/operations`,
      { lastEventId: 1, operations: [{ type: "shutdown" }] },
    );
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("NOT_CUSTOM_SEARCHER");
  });

  test("after a master restart the searcher is replayed: answered events stay answered", async () => {
    await post({ lastEventId: 1, operations: trainFirst });
    await tm.restart();
    expect((await post({ lastEventId: 1, operations: trainFirst })).body).toEqual({
      applied: false,
    });
    const page = await events();
    expect(page.events.map((e) => [e.id, e.type, e.operations !== null])).toEqual([
      [1, "initialOperations", true],
      [3, "trialCreated", false],
    ]);
    const t = trial(tm, (await tm.store.listTrials({ experimentId: id }))[0]!.id);
    expect(await t.op()).toEqual({ op: { length: 100 }, completed: false });
    expect((await t.complete(100, 0.25)).status).toBe(200);
    const validated = (await events(3)).events[0]!;
    const more = [
      { type: "create", requestId: 2, hparams: hp(0.02) },
      { type: "validateAfter", requestId: 1, length: 300 },
    ];
    expect((await post({ lastEventId: validated.id, operations: more })).body).toEqual({
      applied: true,
    });
    expect(await tm.store.listTrials({ experimentId: id })).toHaveLength(2);
  });
});
