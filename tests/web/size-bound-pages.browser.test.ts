/**
 * The web UI reads on past a page the master cut short to stay within its
 * size bound (PAGE_BYTES): a finished trial's charts hold every point, on its
 * page and in a comparison, an experiment's page lists every trial when
 * its trials carry a long constant, the list of experiments every
 * experiment when long names fill its pages, and an experiment's and a
 * trial's checkpoints every checkpoint when long metadata fills their pages.
 */
import { randomUUID } from "node:crypto";
import { expect, test } from "vitest";
import { PAGE_BYTES } from "../../src/protocol/api/resources.js";
import { randomConfig } from "../master/support/configs.js";
import { BROWSER_TEST_TIMEOUT } from "./support/browser.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

/** 200 names of 200 characters: the widest row a push may report, about 45 KB. */
const NAMES = Array.from({ length: 200 }, (_, i) =>
  `m${String(i).padStart(3, "0")}_`.padEnd(200, "g"),
);
const ROWS = Math.ceil((2.5 * PAGE_BYTES) / 45_000);

/** A finished experiment whose first trial reported ROWS rows of every name in NAMES. */
async function wideTrial() {
  const tm = await ui.master({ slots: 1 });
  const { experimentId } = await ui.seed({ trials: 2, points: 2 });
  const [first, second] = await tm.store.listTrials({ experimentId });
  await tm.store.addMetrics(
    first!.id,
    first!.runId,
    Array.from({ length: ROWS }, (_, i) => ({
      group: "training" as const,
      stepsCompleted: 1000 + i,
      metrics: Object.fromEntries(NAMES.map((n, k) => [n, i + k])),
      reportTime: new Date(),
    })),
  );
  const { page } = await ui.browser();
  return { tm, page, experimentId, first: first!, second: second! };
}

const chart = `.metric-chart[data-metric="training/${NAMES[0]}"]`;

test(
  "a finished trial's page charts every row of metrics read over pages cut short",
  async () => {
    const { tm, page, first } = await wideTrial();
    await page.goto(`${tm.url}#/trials/${first.id}`);
    const points = () => page.locator(chart).getAttribute("data-points");
    await expect.poll(points, { timeout: 20_000 }).toBe(String(ROWS));
  },
  BROWSER_TEST_TIMEOUT,
);

test(
  "comparing it with another trial overlays every row too",
  async () => {
    const { tm, page, experimentId, first, second } = await wideTrial();
    await page.goto(`${tm.url}#/experiments/${experimentId}?compare=${first.id},${second.id}`);
    const compare = page.locator(".compare");
    await expect.poll(() => compare.getAttribute("data-loaded"), { timeout: 20_000 }).toBe("2");
    // Points per trial compared: the other trial reported none of these names.
    const points = () => compare.locator(chart).getAttribute("data-points");
    await expect.poll(points, { timeout: 20_000 }).toBe(`${ROWS},0`);
  },
  BROWSER_TEST_TIMEOUT,
);

test(
  "an experiment's page lists every trial of a list read over pages cut short",
  async () => {
    const tm = await ui.master({ slots: 1 });
    // Some 300 KB in every trial: about seven trials fill a page.
    const constant = Array.from({ length: 30_000 }, (_, i) => `v${String(i).padStart(7, "0")}`);
    const { experimentId } = await ui.seed({ trials: 20, points: 2, constant });
    const { page } = await ui.browser();
    await page.goto(`${tm.url}#/experiments/${experimentId}`);
    const rows = () => page.locator(".vt-body").getAttribute("data-rows");
    await expect.poll(rows, { timeout: 20_000 }).toBe("20");
  },
  BROWSER_TEST_TIMEOUT,
);

test(
  "the list of experiments shows every experiment of a list read over pages cut short",
  async () => {
    const tm = await ui.master({ slots: 1 });
    // Names of 800 KB: two fill a page.
    for (let i = 0; i < 3; i++) {
      const res = await tm.admin.post("/experiments", {
        config: { ...randomConfig(10, 1), name: `${i} ${"n".repeat(800_000)}` },
        workdir: tm.dataDir,
        activate: false,
      });
      expect(res.status).toBe(201);
    }
    const { page } = await ui.browser();
    await page.goto(`${tm.url}#/experiments`);
    const rows = () => page.locator("tr[data-experiment]").count();
    await expect.poll(rows, { timeout: 20_000 }).toBe(3);
  },
  BROWSER_TEST_TIMEOUT,
);

test(
  "an experiment's checkpoints and a trial's list every checkpoint of a list read over pages cut short",
  async () => {
    const tm = await ui.master({ slots: 1 });
    const { experimentId } = await ui.seed({ trials: 1, points: 2 });
    const [trial] = await tm.store.listTrials({ experimentId });
    // Metadata of 0.4 PAGE_BYTES: two fill a page.
    const uuids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await tm.store.addCheckpoint({
        uuid: randomUUID(),
        trialId: trial!.id,
        experimentId,
        runId: trial!.runId,
        stepsCompleted: 100 + i,
        resources: { "model.bin": 10 },
        metadata: { note: `${i}`.padEnd(0.4 * PAGE_BYTES, "c") },
      });
      uuids.push(c.uuid);
    }
    await tm.store.markCheckpointsDeleted([uuids[0]!]);
    const { page } = await ui.browser();
    await page.goto(`${tm.url}#/experiments/${experimentId}`);
    await page.locator(".experiment-page[data-ready]").waitFor();
    await page.getByText("Checkpoints", { exact: true }).click();
    const panel = page.locator(".experiment-checkpoints");
    await expect.poll(() => panel.getAttribute("data-checkpoints"), { timeout: 20_000 }).toBe("5");
    await page.goto(`${tm.url}#/trials/${trial!.id}`);
    const kept = page.locator("table.checkpoints tbody tr");
    await expect.poll(() => kept.count(), { timeout: 20_000 }).toBe(4);
  },
  BROWSER_TEST_TIMEOUT,
);
