/** An ended trial's and experiment's empty panels say what happened, never "yet". */
import { describe, expect, test } from "vitest";
import { BROWSER_TEST_TIMEOUT } from "./support/browser.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

describe("empty panels of what has ended", () => {
  test(
    "a completed trial that has no operations, runs or checkpoints on record, and its experiment",
    async () => {
      const tm = await ui.master();
      // Seeded straight into the store: trials with metrics, and no op, allocation or checkpoint.
      const { experimentId, bestTrialId } = await ui.seed({ trials: 2, points: 3 });
      const { page } = await ui.browser({ width: 1280, height: 800 });
      await page.goto(`${tm.url}#/trials/${bestTrialId}`);
      await page.locator(".trial-page[data-ready]").waitFor();
      await page.getByText("It was given none.").waitFor();
      await page.getByText("It never ran.").waitFor();
      await page.getByText("The trial saved no checkpoints.").waitFor();
      expect(await page.getByText(/\byet\b/).count()).toBe(0);

      await page.goto(`${tm.url}#/experiments/${experimentId}`);
      await page.locator(".experiment-page[data-ready]").waitFor();
      await page.locator("summary", { hasText: "Checkpoints" }).click();
      await page.getByText("The experiment's trials saved no checkpoints.").waitFor();
      expect(await page.getByText(/\byet\b/).count()).toBe(0);
    },
    BROWSER_TEST_TIMEOUT,
  );
});
