/** A trials table of a few rows is as tall as they are: no blank box under them. */
import { describe, expect, test } from "vitest";
import { BROWSER_TEST_TIMEOUT } from "./support/browser.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

describe("a short trials table", () => {
  test(
    "with two trials ends under its second row; a filter that keeps none says so",
    async () => {
      const tm = await ui.master();
      const { experimentId } = await ui.seed({ trials: 2, points: 3 });
      const { page } = await ui.browser({ width: 1280, height: 800 });
      await page.goto(`${tm.url}#/experiments/${experimentId}`);
      await page.locator(".experiment-page[data-ready]").waitFor();
      const box = (await page.locator(".vt").boundingBox())!;
      const last = (await page.locator(".vt-row").nth(1).boundingBox())!;
      expect(box.y + box.height - (last.y + last.height)).toBeLessThan(4);

      await page.getByLabel("Filter trials").fill("best<0");
      await page.getByText("0 of 2 trials").waitFor();
      await page.locator(".vt").getByText("No trial matches the filter.").waitFor();
    },
    BROWSER_TEST_TIMEOUT,
  );
});
