/**
 * A page of a custom searcher's events holds at most PAGE_BYTES bytes of
 * stored events and the operations answering them (and at least one event):
 * 10,000 events each answered with 8 MiB of hyperparameters would be some
 * 80 GB. A page cut short says `truncated`, and reading on after its last
 * event gets every event once, in order, each with its whole answer.
 */
import { afterEach, expect, test } from "vitest";
import type { SearcherEventsResponse } from "../../src/protocol/api/custom-searcher.js";
import { PAGE_BYTES } from "../../src/protocol/api/resources.js";
import { customConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

/** A hyperparameter of 300 KB: 3 Creates of it make some 0.9 MB, 8 more than a page. */
const BLOB = "h".repeat(300_000);
/** How many Creates answer each of the first events, in turn. */
const CREATES = [3, 3, 3, 3, 8];

/** A custom search whose first events are each answered with large Creates. */
async function searchWithLargeAnswers(): Promise<number> {
  tm = await startTestMaster({ slots: 1 });
  const config = customConfig();
  const id = await createExperiment(tm, {
    ...config,
    hyperparameters: { ...config.hyperparameters, blob: BLOB },
  });
  await tm.settle();
  let next = 1;
  for (const [k, creates] of CREATES.entries()) {
    const events = await tm.store.listSearcherEvents(id);
    const unanswered = events.filter((e) => e.event.type !== "operationsPosted")[k]!;
    const operations = Array.from({ length: creates }, () => ({
      type: "create",
      requestId: next++,
      hparams: { lr: 0.01, layers: 2, opt: "adam", blob: BLOB },
    }));
    const res = await tm.admin.post(`/experiments/${id}/searcher/operations`, {
      lastEventId: unanswered.seq,
      operations,
    });
    expect(res.status).toBe(200);
  }
  return id;
}

const eventBytes = (page: SearcherEventsResponse) =>
  page.events.reduce((n, e) => n + Buffer.byteLength(JSON.stringify(e)), 0);

test("a page of events with large answers stops at the size bound, and reading on gets every event once with its answer", async () => {
  const id = await searchWithLargeAnswers();
  const ids: number[] = [];
  const answered: number[] = [];
  const pages: { events: number; bytes: number }[] = [];
  let after = 0;
  for (let truncated = true; truncated; ) {
    expect(pages.length).toBeLessThan(100);
    const res = await tm.admin.get<SearcherEventsResponse>(
      `/experiments/${id}/searcher/events?after=${after}&limit=10000`,
    );
    expect(res.status).toBe(200);
    const { events } = res.body;
    expect(events.length).toBeGreaterThan(0);
    pages.push({ events: events.length, bytes: eventBytes(res.body) });
    for (const e of events) {
      ids.push(e.id);
      if (e.operations) answered.push(e.id);
    }
    after = events.at(-1)!.id;
    truncated = res.body.truncated;
  }
  // Within the bound, but for a page of one event that is larger on its own.
  for (const page of pages) if (page.events > 1) expect(page.bytes).toBeLessThanOrEqual(PAGE_BYTES);
  expect(pages.map((p) => p.events).slice(0, 3)).toEqual([2, 2, 1]);
  expect(pages[2]!.bytes).toBeGreaterThan(PAGE_BYTES);
  expect(pages).toHaveLength(4);
  const stored = await tm.store.listSearcherEvents(id);
  const visible = stored.filter((r) => r.event.type !== "operationsPosted").map((r) => r.seq);
  expect(ids).toEqual(visible);
  expect(answered).toEqual(
    (await tm.store.listSearcherAnswers(id, 1, after)).map((a) => a.answers),
  );
  expect(answered).toHaveLength(CREATES.length);
});

test("a page of small events is cut short by its limit alone", async () => {
  tm = await startTestMaster({ slots: 1 });
  const id = await createExperiment(tm, customConfig());
  await tm.settle();
  await tm.store.transaction(async (tx) => {
    for (let length = 1; length <= 3000; length++)
      await tx.appendSearcherEvent(id, { type: "trialProgress", requestId: 1, length });
  });
  const page = (limit: number) =>
    tm.admin.get<SearcherEventsResponse>(`/experiments/${id}/searcher/events?limit=${limit}`);
  const all = await page(10_000);
  expect(all.body.events).toHaveLength(3001);
  expect(all.body.truncated).toBe(false);
  const some = await page(5);
  expect(some.body.events.map((e) => e.id)).toEqual([1, 2, 3, 4, 5]);
  expect(some.body.truncated).toBe(false);
});
