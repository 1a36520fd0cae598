/**
 * The experiment page reads the trial list and the rungs once when it opens,
 * not once before it knows the experiment and its curves and again after
 * (a 5,000-trial list is megabytes each time), and reads them again when the
 * search moves on.
 */
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { adaptiveConfig } from "../master/support/configs.js";
import { BROWSER_TEST_TIMEOUT } from "./support/browser.js";
import { LiveTrials } from "./support/live-trials.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

const curve = (h: Record<string, unknown>, steps: number) =>
  0.2 + Number(h.dropout ?? 0) + 2 / Math.sqrt(1 + steps / 40);

/** Counts the page's reads of the whole trial list (its first pages) and of the rungs. */
function countReads(page: Page) {
  const reads = { trials: 0, rungs: 0 };
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (
      /\/experiments\/\d+\/trials$/.test(url.pathname) &&
      (url.searchParams.get("after") ?? "0") === "0"
    )
      reads.trials++;
    if (/\/experiments\/\d+\/rungs$/.test(url.pathname)) reads.rungs++;
  });
  return reads;
}

describe("the experiment page's reads", () => {
  test(
    "the trial list and the rungs are read once when the page opens, and again once the search moves",
    async () => {
      const tm = await ui.master({ slots: 4 });
      const created = await tm.admin.post<{ id: number }>("/experiments", {
        config: adaptiveConfig(12),
        workdir: "/tmp",
      });
      expect(created.status).toBe(201);
      await tm.settle();
      const trials = new LiveTrials(tm, curve);
      for (let i = 0; i < 12; i++) await trials.step();

      const { page } = await ui.browser();
      const reads = countReads(page);
      await page.goto(`${tm.url}#/experiments/${created.body.id}`);
      await page.locator(".experiment-page[data-ready]").waitFor();
      await page.locator(".rung").first().waitFor();
      // Longer than the page waits between two reads of either.
      await page.waitForTimeout(6000);
      expect(reads).toEqual({ trials: 1, rungs: 1 });

      const points = async () => Number(await page.locator(".curves").getAttribute("data-points"));
      const before = await points();
      for (let i = 0; i < 8; i++) await trials.step();
      await expect.poll(points, { timeout: 20_000 }).toBeGreaterThan(before);
      await expect.poll(() => reads.trials, { timeout: 20_000 }).toBeGreaterThan(1);
      await expect.poll(() => reads.rungs, { timeout: 20_000 }).toBeGreaterThan(1);
    },
    BROWSER_TEST_TIMEOUT,
  );
});
