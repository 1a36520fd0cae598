/**
 * A trial's metric charts run from 0 to the trial's last step: one that
 * validated once has its point at the right end of the chart, not in the
 * middle of an axis stretched to twice its length.
 */
import { describe, expect, test } from "vitest";
import { BROWSER_TEST_TIMEOUT } from "./support/browser.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

describe("a metric chart of one point", () => {
  test(
    "ends at that point's step",
    async () => {
      const tm = await ui.master();
      const { bestTrialId } = await ui.seed({ trials: 2, points: 1 });
      const { page } = await ui.browser({ width: 1280, height: 800 });
      await page.goto(`${tm.url}#/trials/${bestTrialId}`);
      await page.locator(".trial-page[data-ready]").waitFor();
      const chart = page.locator('.metric-chart[data-metric="validation/validation_loss"]');
      const over = chart.locator(".u-over");
      // The chart draws after the page is ready: its plot has a box once it is visible.
      await over.waitFor();
      const box = (await over.boundingBox())!;
      // The cursor's point snaps to the one validation, wherever the pointer is.
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      const point = chart.locator(".u-cursor-pt").first();
      await expect.poll(async () => (await point.boundingBox())?.width ?? 0).toBeGreaterThan(0);
      const at = (await point.boundingBox())!;
      expect(Math.abs(at.x + at.width / 2 - (box.x + box.width))).toBeLessThan(3);
    },
    BROWSER_TEST_TIMEOUT,
  );
});
