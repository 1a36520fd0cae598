/** Thousands of trials: the table keeps only the rows in view in the page and sorts and filters them all; the curves name and open their trials. */
import { describe, expect, test } from "vitest";
import { BROWSER_TEST_TIMEOUT } from "./support/browser.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

const TRIALS = 2000;

describe("the trials table", () => {
  test(
    "renders a window of rows, scrolls to the last trial, sorts by best, filters by hparams; a curve opens its trial",
    async () => {
      const tm = await ui.master();
      const { experimentId, bestTrialId } = await ui.seed({
        trials: TRIALS,
        points: 5,
      });
      const { page } = await ui.browser();
      await page.goto(`${tm.url}#/experiments/${experimentId}`);
      await page.locator(".experiment-page[data-ready]").waitFor();
      expect(await page.locator(".curves").getAttribute("data-trials")).toBe(String(TRIALS));

      const rows = page.locator(".vt-row");
      expect(await rows.count()).toBeLessThan(60);
      expect(await page.locator(".vt-body").getAttribute("data-rows")).toBe(String(TRIALS));
      await page.locator(".vt").hover();
      await page.mouse.wheel(0, TRIALS * 40);
      const trials = await tm.store.listTrials({ experimentId });
      const lastId = Math.max(...trials.map((t) => t.id));
      await rows.getByRole("link", { name: String(lastId), exact: true }).waitFor();
      expect(await rows.count()).toBeLessThan(60);

      await page.mouse.wheel(0, -TRIALS * 40);
      await page.getByRole("button", { name: "Best", exact: true }).click();
      await expect
        .poll(() => rows.first().locator("a").textContent(), { timeout: 20_000 })
        .toBe(`${bestTrialId} ★`);

      await page.getByLabel("Filter trials").fill("optimizer=sgd lr<0.001");
      const expected = trials.filter(
        (t) => t.hparams.optimizer === "sgd" && Number(t.hparams.lr) < 0.001,
      ).length;
      expect(expected).toBeGreaterThan(0);
      await page.getByText(`${expected} of ${TRIALS} trials`).waitFor();

      await page.getByLabel("Trial state").selectOption("ACTIVE");
      await page.getByText(`0 of ${TRIALS} trials`).waitFor();

      // Pointing at a curve names its trial; clicking opens it.
      await page.locator(".curves").scrollIntoViewIfNeeded();
      const plot = (await page.locator(".curves .u-over").boundingBox())!;
      const tooltip = page.locator(".tooltip");
      for (let i = 1; i < 40 && (await tooltip.count()) === 0; i++) {
        await page.mouse.move(plot.x + plot.width / 2, plot.y + (plot.height * i) / 40);
        await page.waitForTimeout(50);
      }
      const named = /trial (\d+)/.exec((await tooltip.locator("b").textContent()) ?? "")?.[1];
      expect(named).toBeDefined();
      await page.mouse.down();
      await page.mouse.up();
      await page.getByRole("heading", { name: `Trial ${named}` }).waitFor();
    },
    BROWSER_TEST_TIMEOUT,
  );
});
