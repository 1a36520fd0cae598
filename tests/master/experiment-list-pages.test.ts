/**
 * `GET /experiments` answers pages: `after`, `limit` (at most and by default
 * EXPERIMENT_PAGE) and `state` pick them, and a page holds at most PAGE_BYTES
 * of names, metrics and end reasons (at least one experiment). It reads what
 * a list shows without the experiments' configs, as does `GET
 * /resource-pools`: a master of 2,000 experiments with a 100 KB `const` each
 * read and parsed 200 MB for every answer, which the web UI asks for every 2 s.
 */
import { afterEach, expect, test, vi } from "vitest";
import type { ExperimentFilter } from "../../src/master/storage/store.js";
import { EXPERIMENT_PAGE, nextPageAfter } from "../../src/protocol/api/paging.js";
import type { ResourcePoolList } from "../../src/protocol/api/resource-pools.js";
import { type ExperimentList, PAGE_BYTES } from "../../src/protocol/api/resources.js";
import { randomConfig } from "./support/configs.js";
import { createExperiment, startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
afterEach(async () => tm?.close());

/** An experiment that starts nothing (created paused), named `name`, of metric `metric`. */
async function paused(name: string, metric = "validation_loss", smallerIsBetter = true) {
  const config = randomConfig(10, 1);
  const res = await tm.admin.post<{ id: number }>("/experiments", {
    config: {
      ...config,
      name,
      searcher: { ...config.searcher, metric, smaller_is_better: smallerIsBetter },
    },
    workdir: "/tmp",
    activate: false,
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

/** Every experiment `query` pages through from the start, and how many pages it took. */
async function readAll(query: string): Promise<{ ids: number[]; pages: number }> {
  const ids: number[] = [];
  let after = 0;
  for (let pages = 1; ; pages++) {
    expect(pages).toBeLessThan(100);
    const res = await tm.admin.get<ExperimentList>(`/experiments?after=${after}${query}`);
    expect(res.status).toBe(200);
    ids.push(...res.body.experiments.map((e) => e.id));
    const limit = Number(new URLSearchParams(query).get("limit") ?? EXPERIMENT_PAGE);
    const next = nextPageAfter(res.body, res.body.experiments.length, limit);
    if (next === null) return { ids, pages };
    after = next;
  }
}

test("limit, after and state pick a page of experiments, each summed up with its searcher, metric and trials", async () => {
  tm = await startTestMaster({ slots: 1 });
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push(await paused(`e${i}`, `metric_${i}`, i % 2 === 0));
  const running = await createExperiment(tm, randomConfig(10, 1));
  await tm.settle();
  const first = await tm.admin.get<ExperimentList>("/experiments?limit=2");
  expect(first.status).toBe(200);
  expect(first.body.experiments.map((e) => e.id)).toEqual(ids.slice(0, 2));
  expect(first.body).toMatchObject({ next: ids[1], truncated: false });
  expect(first.body.experiments[1]).toMatchObject({
    name: "e1",
    state: "PAUSED",
    owner: { username: "admin" },
    searcher: "random",
    metric: "metric_1",
    smallerIsBetter: false,
  });
  const second = await tm.admin.get<ExperimentList>(`/experiments?limit=2&after=${ids[1]}`);
  expect(second.body.experiments.map((e) => e.id)).toEqual(ids.slice(2, 4));
  const active = await tm.admin.get<ExperimentList>("/experiments?state=ACTIVE");
  expect(active.body.experiments.map((e) => e.id)).toEqual([running]);
  expect(active.body.experiments[0]!.trialCounts).toEqual({ ACTIVE: 1 });
  expect((await readAll("&limit=2")).ids).toEqual([...ids, running]);
  expect((await readAll("&state=PAUSED,ACTIVE")).ids).toEqual([...ids, running]);
});

test("a page of experiments with long names stops at the size bound, and reading on gets every one once", async () => {
  tm = await startTestMaster({ slots: 1 });
  const long = (i: number) => `${i}${"n".repeat(700_000)}`;
  const ids = [];
  for (let i = 0; i < 5; i++) ids.push(await paused(long(i)));
  const first = await tm.admin.get<ExperimentList>("/experiments");
  expect(first.body.truncated).toBe(true);
  expect(first.body.experiments.map((e) => e.id)).toEqual(ids.slice(0, 2));
  expect(first.body.next).toBe(ids[1]);
  const bytes = first.body.experiments.reduce((n, e) => n + e.name.length + e.metric.length, 0);
  expect(bytes).toBeLessThanOrEqual(PAGE_BYTES);
  expect(first.body.experiments[1]!.name).toBe(long(1));
  const all = await readAll("");
  expect(all).toEqual({ ids, pages: 3 });
});

test("an experiment that enters the state asked for while a page is read pushes none out of it", async () => {
  tm = await startTestMaster({ slots: 1 });
  const [a, p, b, c] = [await paused("a"), await paused("p"), await paused("b"), await paused("c")];
  for (const id of [a, b, c]) await tm.store.updateExperiment(id!, { state: "COMPLETED" });
  const sizes = tm.store.listExperimentSummarySizes.bind(tm.store);
  // p ends between the page's sizing (a, b) and its read.
  vi.spyOn(tm.store, "listExperimentSummarySizes").mockImplementationOnce(async (filter) => {
    const sized = await sizes(filter);
    await tm.store.updateExperiment(p!, { state: "COMPLETED" });
    return sized;
  });
  const first = await tm.admin.get<ExperimentList>("/experiments?state=COMPLETED&limit=2");
  expect(first.body.experiments.map((e) => e.id)).toEqual([a, p, b]);
  expect(first.body.next).toBe(b);
  const second = await tm.admin.get<ExperimentList>(
    `/experiments?state=COMPLETED&limit=2&after=${b}`,
  );
  expect(second.body.experiments.map((e) => e.id)).toEqual([c]);
});

test("listing experiments or resource pools reads no experiment's config", async () => {
  tm = await startTestMaster({ slots: 1 });
  for (let i = 0; i < 3; i++) await paused(`e${i}`);
  const listed = vi.spyOn(tm.store, "listExperiments");
  const got = vi.spyOn(tm.store, "getExperiment");
  // Scheduling passes read the active experiments' configs, which they need; the list none.
  const reads = () => [
    ...listed.mock.calls.filter(
      ([f]) => !(f as ExperimentFilter)?.states?.every((s) => s === "ACTIVE"),
    ),
    ...got.mock.calls,
  ];
  const all = await tm.admin.get<ExperimentList>("/experiments");
  expect(all.body.experiments).toHaveLength(3);
  const some = await tm.admin.get<ExperimentList>("/experiments?state=PAUSED,COMPLETED");
  expect(some.body.experiments).toHaveLength(3);
  const pools = await tm.admin.get<ResourcePoolList>("/resource-pools");
  expect(pools.body.resourcePools.map((p) => [p.name, p.experiments.length])).toEqual([
    ["default", 3],
  ]);
  expect(reads()).toEqual([]);
});

test("a bad page or state is a 400 that names it", async () => {
  tm = await startTestMaster({ slots: 1 });
  for (const [query, word] of [
    ["limit=0", "limit"],
    [`limit=${EXPERIMENT_PAGE + 1}`, "limit"],
    ["after=-1", "after"],
    ["after=x", "after"],
    ["state=RUNNING", "RUNNING"],
  ] as const) {
    const res = await tm.admin.get<{ error: { message: string } }>(`/experiments?${query}`);
    expect(res.status, query).toBe(400);
    expect(res.body.error.message, query).toContain(word);
  }
});

test("an empty state filter is a 400 that names state, as an empty cursor is", async () => {
  tm = await startTestMaster({ slots: 1 });
  await paused("one");
  for (const query of ["state=", "state=,", "state=ACTIVE,", "state=,ACTIVE", "after="]) {
    const res = await tm.admin.get<{ error: { message: string } }>(`/experiments?${query}`);
    expect(res.status, query).toBe(400);
    expect(res.body.error.message, query).toContain(query.split("=")[0]);
  }
});
