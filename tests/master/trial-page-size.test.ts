/**
 * A page of an experiment's trials holds at most PAGE_BYTES bytes of
 * hyperparameters (and at least one trial): 300 trials with a `const` list of
 * 500 KB would be one answer of 150 MB. A page cut short says `truncated`, and
 * reading on from `next` gets every trial once, in id order; `limit` bounds a
 * page of small trials the same way.
 */
import { afterEach, expect, test } from "vitest";
import { PAGE_BYTES, type TrialList } from "../../src/protocol/api/resources.js";
import type { HParamValue } from "../../src/protocol/config/types.js";
import { seedExperiment } from "../web/support/seed-experiment.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

/** A constant of some 300 KB: about seven trials' worth fills a page. */
const CONSTANT = Array.from({ length: 30_000 }, (_, i) => `v${String(i).padStart(7, "0")}`);
const TRIALS = Math.ceil((3 * PAGE_BYTES) / 330_000);

async function seeded(trials: number, constant?: HParamValue): Promise<number> {
  tm = await startTestMaster({ slots: 1 });
  const owner = (await tm.store.getUserByName("admin"))!;
  const { experimentId } = await seedExperiment(tm.store, {
    trials,
    points: 1,
    ownerId: owner.id,
    ...(constant === undefined ? {} : { constant }),
  });
  return experimentId;
}

const bytes = (page: TrialList) =>
  page.trials.reduce((n, t) => n + Buffer.byteLength(JSON.stringify(t.hparams)), 0);

/** Every trial id `path` pages through from the start, and how many pages it took. */
async function readAll(path: string, limit?: number): Promise<{ ids: number[]; pages: number }> {
  const ids: number[] = [];
  let after = 0;
  for (let pages = 1; ; pages++) {
    expect(pages).toBeLessThanOrEqual(TRIALS * 2);
    const res = await tm.admin.get<TrialList>(
      `${path}?after=${after}${limit === undefined ? "" : `&limit=${limit}`}`,
    );
    expect(res.status).toBe(200);
    expect(res.body.trials.length).toBeGreaterThan(0);
    // A trial bigger than a page still comes, alone.
    if (res.body.trials.length > 1) expect(bytes(res.body)).toBeLessThanOrEqual(PAGE_BYTES);
    ids.push(...res.body.trials.map((t) => t.id));
    after = res.body.next!;
    if (!res.body.truncated && res.body.trials.length < (limit ?? 1000)) return { ids, pages };
  }
}

test("a page of trials with a long constant stops at the size bound, and reading on gets every trial once", async () => {
  const id = await seeded(TRIALS, CONSTANT);
  const first = await tm.admin.get<TrialList>(`/experiments/${id}/trials`);
  expect(first.body.truncated).toBe(true);
  expect(first.body.trials.length).toBeLessThan(TRIALS);
  expect(first.body.next).toBe(first.body.trials.at(-1)!.id);
  const all = await readAll(`/experiments/${id}/trials`);
  const stored = (await tm.store.listTrials({ experimentId: id })).map((t) => t.id);
  expect(all.ids).toEqual(stored);
  expect(all.pages).toBeGreaterThanOrEqual(3);
  const page = await tm.admin.get<TrialList>(`/experiments/${id}/trials?after=${stored[1]}`);
  expect(page.body.trials[0]!.id).toBe(stored[2]);
  expect(page.body.trials[0]!.hparams.constant).toEqual(CONSTANT);
});

test("a trial bigger than a page comes alone, on a page of its own", async () => {
  const huge = Array.from({ length: 250_000 }, (_, i) => `v${String(i).padStart(7, "0")}`);
  const id = await seeded(2, huge);
  const first = await tm.admin.get<TrialList>(`/experiments/${id}/trials`);
  expect(first.body.trials).toHaveLength(1);
  expect(first.body.truncated).toBe(true);
  const all = await readAll(`/experiments/${id}/trials`);
  expect(all.ids).toHaveLength(2);
});

test("limit bounds a page of small trials, and after reads on from the last one", async () => {
  const id = await seeded(5);
  const first = await tm.admin.get<TrialList>(`/experiments/${id}/trials?limit=2`);
  expect(first.body.trials).toHaveLength(2);
  expect(first.body.truncated).toBe(false);
  const all = await readAll(`/experiments/${id}/trials`, 2);
  expect(all.ids).toEqual((await tm.store.listTrials({ experimentId: id })).map((t) => t.id));
  expect(all.pages).toBe(3);
  const whole = await tm.admin.get<TrialList>(`/experiments/${id}/trials`);
  expect(whole.body.trials).toHaveLength(5);
  expect(whole.body.truncated).toBe(false);
  const past = await tm.admin.get<TrialList>(`/experiments/${id}/trials?after=${all.ids[4]}`);
  expect(past.body).toEqual({ trials: [], next: all.ids[4], truncated: false });
});

test("a limit past 1000 trials is refused", async () => {
  const id = await seeded(1);
  expect((await tm.admin.get(`/experiments/${id}/trials?limit=1001`)).status).toBe(400);
  expect((await tm.admin.get(`/experiments/${id}/trials?after=-1`)).status).toBe(400);
});

test("an experiment's rungs are read without any trial's hyperparameters", async () => {
  // The web UI reads them every few seconds: 60 trials of a 500 KB constant were 30 MB a read.
  const id = await seeded(TRIALS, CONSTANT);
  const { store } = tm.master.ctx;
  const listTrials = store.listTrials.bind(store);
  let read = 0;
  store.listTrials = (filter) => {
    read++;
    return listTrials(filter);
  };
  expect((await tm.admin.get(`/experiments/${id}/rungs`)).status).toBe(200);
  expect(read).toBe(0);
});
