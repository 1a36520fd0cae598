/**
 * A plot on a log axis with no points yet (a fresh experiment's scatter of a
 * `log` hyperparameter) spans a readable range: its tick labels differ.
 */
import { describe, expect, test } from "vitest";
import { randomConfig } from "../master/support/configs.js";
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

describe("a log axis with no points", () => {
  test(
    "the lr scatter of an experiment with no validation yet labels its axis with distinct values",
    async () => {
      const tm = await ui.master({ slots: 2 });
      const { body } = await tm.admin.post<{ id: number }>("/experiments", {
        config: {
          ...randomConfig(100, 2),
          hyperparameters: {
            lr: { type: "log", minval: -4, maxval: -1, base: 10 },
            hidden: { type: "int", minval: 16, maxval: 256 },
          },
        },
        workdir: "/tmp",
      });
      await tm.settle();
      const { page, context } = await ui.browser({ width: 420 });
      await context.addInitScript({ content: RECORD_TEXT });
      await page.goto(`${tm.url}#/experiments/${body.id}`);
      const scatter = page.locator(".scatter", { has: page.locator("canvas") }).nth(1);
      await scatter.waitFor();
      await expect.poll(() => scatter.getAttribute("data-points")).toBe("0");
      await page.waitForTimeout(500);
      // The x axis's tick labels: numbers drawn on one line, several of them.
      const xLabels = await scatter.locator("canvas").evaluate((c) => {
        const texts = (c as HTMLCanvasElement & { __texts?: { text: string; y: number }[] })
          .__texts;
        const rows = new Map<number, string[]>();
        for (const t of texts ?? [])
          if (/^-?[\d.e+-]+$/.test(t.text)) rows.set(t.y, [...(rows.get(t.y) ?? []), t.text]);
        return [...rows.values()].find((r) => r.length > 1) ?? [];
      });
      await screenshot(page, "empty-log-axis");
      expect(xLabels.length).toBeGreaterThan(0);
      expect(new Set(xLabels).size).toBe(xLabels.length);
    },
    BROWSER_TEST_TIMEOUT,
  );
});
