/**
 * The experiment page's "Best" card: its value is the trial's it links to,
 * even when the experiment's summary, read apart from the trials, has not
 * caught up with a new best yet.
 */
import { describe, expect, test } from "vitest";
import { formatMetric } from "../../src/web/format.js";
import { BROWSER_TEST_TIMEOUT } from "./support/browser.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

describe("the Best card", () => {
  test(
    "shows the best trial's value beside its link, not a summary that lags it",
    async () => {
      const tm = await ui.master();
      const { experimentId, bestTrialId } = await ui.seed({ trials: 6, points: 3 });
      const best = (await tm.store.getTrial(bestTrialId))!;
      const { page } = await ui.browser({ width: 1280, height: 800 });
      // The summary from before the best trial's last validation: a worse best.
      await page.route(`**/api/v1/experiments/${experimentId}`, async (route) => {
        const res = await route.fetch();
        const body = await res.json();
        await route.fulfill({ response: res, json: { ...body, bestMetric: 9.5 } });
      });
      await page.goto(`${tm.url}#/experiments/${experimentId}`);
      await page.locator(".experiment-page[data-ready]").waitFor();
      const card = page.locator(".card", { hasText: "Best validation_loss" });
      await card.getByText(`trial ${bestTrialId}`).waitFor();
      expect(await card.locator(".card-value").textContent()).toBe(
        formatMetric(best.bestValidation),
      );
    },
    BROWSER_TEST_TIMEOUT,
  );
});
