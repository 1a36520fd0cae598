/**
 * Every chart names its x axis with the config's length unit (batches here),
 * and every checkpoint table its length column, never "steps"; times read in
 * the user's locale and time zone, with the date when it is not today, on
 * every page and in the logs.
 */
import { describe, expect, test } from "vitest";
import { randomConfig } from "../master/support/configs.js";
import { BROWSER_TEST_TIMEOUT } from "./support/browser.js";
import { LiveTrials } from "./support/live-trials.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

const ZONE = "Asia/Tokyo";
const local = (iso: string, seconds = false) =>
  new Date(iso).toLocaleString("en-US", {
    timeZone: ZONE,
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    ...(seconds ? { second: "2-digit" } : {}),
  });

describe("lengths and times", () => {
  test(
    "a trial from yesterday shows its date and local times; its charts and the experiment's say batches",
    async () => {
      const tm = await ui.master({ slots: 1 });
      const { body } = await tm.admin.post<{ id: number }>("/experiments", {
        config: {
          ...randomConfig(200, 1),
          searcher: { ...randomConfig(200, 1).searcher, max_trials: 1 },
        },
        workdir: "/tmp",
      });
      await tm.settle();
      await new LiveTrials(tm, (_h, s) => 1 / (1 + s)).run(body.id);
      const [trial] = await tm.store.listTrials({ experimentId: body.id });
      const exp = (await tm.store.getExperiment(body.id))!;

      const { page } = await ui.browser({
        width: 1280,
        height: 800,
        locale: "en-US",
        timezoneId: ZONE,
      });
      // The browser's clock a day on: everything happened yesterday.
      await page.clock.setFixedTime(Date.now() + 86_400_000);
      await page.goto(`${tm.url}#/experiments`);
      const row = page.locator(`tr[data-experiment="${body.id}"]`);
      await row.getByText(local(exp.createdAt.toISOString())).waitFor();

      await page.goto(`${tm.url}#/experiments/${body.id}`);
      await page.locator(".experiment-page[data-ready]").waitFor();
      expect(await page.locator(".curves").getAttribute("data-x-label")).toBe("batches");
      expect(await page.locator(".history").getAttribute("data-x-label")).toBe(
        "total batches trained",
      );

      await page.goto(`${tm.url}#/trials/${trial!.id}`);
      await page.locator(".trial-page[data-ready]").waitFor();
      const started = page.locator(".card", { hasText: "Started" }).locator(".card-value");
      expect(await started.textContent()).toBe(local(trial!.createdAt.toISOString()));
      // The length it trained is counted in the config's unit too.
      await page.locator(".card-label", { hasText: "Batches trained" }).waitFor();
      const charts = page.locator(".metric-chart");
      // The legend names the x value as the axis does (uPlot draws the axis's title on its canvas).
      await charts.first().locator(".u-legend .u-label").first().waitFor();
      const legend = await charts.locator(".u-legend .u-label").allInnerTexts();
      expect(legend).toContain("batches");
      expect(legend.some((l) => /^steps?$/.test(l))).toBe(false);
      // Its checkpoints' length column too, and the experiment's.
      const checkpoints = page.locator("table.checkpoints");
      expect(await checkpoints.locator("th").allInnerTexts()).toContain("Batches");

      await page.goto(`${tm.url}#/experiments/${body.id}`);
      await page.locator("summary", { hasText: "Checkpoints" }).click();
      const all = page.locator(".experiment-checkpoints table.checkpoints");
      await all.waitFor();
      expect(await all.locator("th").allInnerTexts()).toContain("Batches");
      await page.goto(`${tm.url}#/trials/${trial!.id}`);

      const line = page.locator(".log-line").first();
      await line.waitFor();
      const iso = (await line.locator(".log-time").getAttribute("title"))!;
      expect(await line.locator(".log-time").textContent()).toBe(local(iso, true));
    },
    BROWSER_TEST_TIMEOUT,
  );
});
