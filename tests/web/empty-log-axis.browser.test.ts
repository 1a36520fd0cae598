/**
 * A scatter of a `log` hyperparameter spans the range the config samples
 * from, and labels its decades as numbers that differ (1e-4 is not written
 * "0").
 */
import { describe, expect, test } from "vitest";
import { BROWSER_TEST_TIMEOUT, screenshot } from "./support/browser.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

/** Keeps, on each canvas, the texts drawn since it was last cleared whole, with where. */
const RECORD_TEXT = `
  const fillText = CanvasRenderingContext2D.prototype.fillText;
  const clearRect = CanvasRenderingContext2D.prototype.clearRect;
  CanvasRenderingContext2D.prototype.clearRect = function (x, y, w, h) {
    if (x === 0 && y === 0 && w >= this.canvas.width && h >= this.canvas.height) this.canvas.__texts = [];
    return clearRect.call(this, x, y, w, h);
  };
  CanvasRenderingContext2D.prototype.fillText = function (text, x, y, ...rest) {
    (this.canvas.__texts ??= []).push({ text: String(text), y: Math.round(y) });
    return fillText.call(this, text, x, y, ...rest);
  };
`;

describe("a log axis", () => {
  test(
    "the lr scatter labels the decades of lr's configured range, 1e-4 to 0.1, each differently",
    async () => {
      const tm = await ui.master();
      const { experimentId } = await ui.seed({ trials: 12, points: 3 });
      const { page, context } = await ui.browser({ width: 1280, height: 800 });
      await context.addInitScript({ content: RECORD_TEXT });
      await page.goto(`${tm.url}#/experiments/${experimentId}`);
      await page.locator(".experiment-page[data-ready]").waitFor();
      const scatter = page.locator('.scatter[data-key="lr"]');
      await scatter.scrollIntoViewIfNeeded();
      // The x axis's tick labels: numbers drawn on one line, several of them.
      const xLabels = () =>
        scatter.locator("canvas").evaluate((c) => {
          const texts = (c as HTMLCanvasElement & { __texts?: { text: string; y: number }[] })
            .__texts;
          const rows = new Map<number, string[]>();
          for (const t of texts ?? [])
            if (/^-?[\d.e+-]+$/.test(t.text)) rows.set(t.y, [...(rows.get(t.y) ?? []), t.text]);
          return [...rows.values()].find((r) => r.length > 1) ?? [];
        });
      await expect.poll(xLabels).toContain("1e-4");
      const labels = await xLabels();
      await screenshot(page, "log-axis");
      expect(labels).toEqual(expect.arrayContaining(["1e-4", "0.001", "0.01", "0.1"]));
      expect(labels).not.toContain("0");
      expect(new Set(labels).size).toBe(labels.length);
    },
    BROWSER_TEST_TIMEOUT,
  );
});
