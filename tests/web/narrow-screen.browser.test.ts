/** At a phone's width (420 px) pages fit the screen: wide tables scroll within themselves. */
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { ashaConfig, randomConfig, syntheticLoss } from "../master/support/configs.js";
import { BROWSER_TEST_TIMEOUT, expectSideBySide, screenshot } from "./support/browser.js";
import { LiveTrials } from "./support/live-trials.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

const pageWidth = (page: Page) => page.evaluate<number>("document.documentElement.scrollWidth");

describe("a narrow screen", () => {
  test(
    "the experiments list does not run off the page, and the top bar keeps its name and user on one line each",
    async () => {
      const tm = await ui.master({ slots: 2 });
      await tm.admin.post("/experiments", {
        config: { ...randomConfig(100, 2), name: "a-rather-long-experiment-name" },
        workdir: "/tmp",
      });
      await tm.settle();
      const { page } = await ui.browser({ width: 420 });
      await page.goto(tm.url);
      await page.locator("tr[data-experiment]").first().waitFor();
      await screenshot(page, "experiments-narrow");
      expect(
        await page.evaluate<number>("document.documentElement.scrollWidth"),
      ).toBeLessThanOrEqual(420);
      // One line each: no taller than the name's own line.
      for (const selector of [".topbar .brand", ".topbar .user"]) {
        const box = await page.locator(selector).boundingBox();
        expect(box!.height, selector).toBeLessThan(24);
      }
      // The table scrolls sideways within its box to its last column.
      const wrap = page.locator(".table-wrap", { has: page.locator("table.experiments") });
      await wrap.evaluate((el) => {
        el.scrollLeft = el.scrollWidth;
      });
      await page.locator("tr[data-experiment]").getByRole("button", { name: "Pause" }).waitFor();
      expect(
        await page
          .locator("tr[data-experiment]")
          .getByRole("button", { name: "Pause" })
          .isVisible(),
      ).toBe(true);
    },
    BROWSER_TEST_TIMEOUT,
  );

  test(
    "a trial's metric charts fit the page",
    async () => {
      const tm = await ui.master({ slots: 1 });
      const { body } = await tm.admin.post<{ id: number }>("/experiments", {
        config: randomConfig(300, 1),
        workdir: "/tmp",
      });
      await tm.settle();
      const trials = new LiveTrials(tm, (hparams, length) => syntheticLoss({ hparams, length }));
      for (let i = 0; i < 4; i++) await trials.step();
      const [trial] = await tm.store.listTrials({ experimentId: body.id });
      const { page } = await ui.browser({ width: 420 });
      await page.goto(`${tm.url}#/trials/${trial!.id}`);
      const charts = page.locator(".metric-chart canvas");
      await expect.poll(() => charts.count(), { timeout: 20_000 }).toBeGreaterThan(0);
      await screenshot(page, "trial-narrow");
      expect(await pageWidth(page)).toBeLessThanOrEqual(420);
    },
    BROWSER_TEST_TIMEOUT,
  );

  test(
    "the parallel coordinates keep their axes' titles apart, scrolling sideways within their panel",
    async () => {
      const tm = await ui.master({ slots: 1 });
      const { experimentId } = await ui.seed({ trials: 30, points: 3 });
      const { page } = await ui.browser({ width: 420 });
      await page.goto(`${tm.url}#/experiments/${experimentId}`);
      await page.locator(".experiment-page[data-ready]").waitFor();
      const titles = page.locator(".pc-axis");
      await expect.poll(() => titles.count()).toBe(5);
      await expectSideBySide(titles);
      await page.locator(".pc").scrollIntoViewIfNeeded();
      await screenshot(page, "parallel-coordinates-narrow");
      expect(await pageWidth(page)).toBeLessThanOrEqual(420);
    },
    BROWSER_TEST_TIMEOUT,
  );

  test(
    "the Pools page fits a phone's width: its table scrolls within itself",
    async () => {
      const tm = await ui.master({ slots: 4 });
      await tm.admin.post("/experiments", {
        config: { ...ashaConfig(), name: "a-rather-long-experiment-name" },
        workdir: "/tmp",
      });
      await tm.settle();
      const { page } = await ui.browser({ width: 390 });
      await page.goto(`${tm.url}#/pools`);
      await page.locator(".pools-page[data-ready]").waitFor();
      await page.locator('tr[data-pool="default"]').getByRole("link").first().waitFor();
      await screenshot(page, "pools-narrow");
      expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    },
    BROWSER_TEST_TIMEOUT,
  );
});
