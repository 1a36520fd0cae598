/** Parallel coordinates: brushing an axis filters the trials table and the curves, and the brush lives in the address. */
import { describe, expect, test } from "vitest";
import { parseBrush } from "../../src/web/experiment/brush.js";
import { BROWSER_TEST_TIMEOUT, screenshot } from "./support/browser.js";
import { seededExperimentPages } from "./support/seeded-page.js";

const pages = seededExperimentPages();

const TRIALS = 300;

describe("parallel coordinates", () => {
  test(
    "one axis per hyperparameter and the metric; a brush on lr and one on optimizer keep only the trials inside both, in the table, the curves and after a reload",
    async () => {
      const { tm, page, experimentId } = await pages.open({ trials: TRIALS, points: 5 });
      const trials = await tm.store.listTrials({ experimentId });
      const pc = page.locator(".pc");
      expect(await pc.getAttribute("data-lines")).toBe(String(TRIALS));
      expect(await page.locator(".pc-axis").allTextContents()).toEqual([
        "dropout",
        "hidden",
        "lr (log)",
        "optimizer",
        "validation_loss",
      ]);

      const drag = async (key: string, from: number, to: number) => {
        await pc.scrollIntoViewIfNeeded();
        const axis = (await page.locator(`.pc-axis[data-key="${key}"]`).boundingBox())!;
        const plot = (await page.locator(".pc-over").boundingBox())!;
        const x =
          plot.x + Number(await page.locator(`.pc-axis[data-key="${key}"]`).getAttribute("data-x"));
        expect(Math.abs(x - (axis.x + axis.width / 2))).toBeLessThan(40);
        await page.mouse.move(x, plot.y + plot.height * from);
        await page.mouse.down();
        await page.mouse.move(x, plot.y + plot.height * to, { steps: 6 });
        await page.mouse.up();
      };
      const brushInAddress = () => {
        const hash = new URL(page.url()).hash;
        return parseBrush(new URLSearchParams(hash.slice(hash.indexOf("?") + 1)).get("brush"));
      };
      const expected = () => {
        const brush = brushInAddress();
        const lr = brush.get("lr") as { lo: number; hi: number } | undefined;
        const opt = brush.get("optimizer") as { cats: Set<string> } | undefined;
        return trials.filter(
          (t) =>
            (!lr || (Number(t.hparams.lr) >= lr.lo && Number(t.hparams.lr) <= lr.hi)) &&
            (!opt || opt.cats.has(String(t.hparams.optimizer))),
        ).length;
      };
      const rows = page.locator(".vt-body");
      const curves = page.locator(".curves");

      // Upper part of the lr axis: the larger learning rates (log scale).
      await drag("lr", 0.1, 0.45);
      await expect.poll(() => brushInAddress().has("lr")).toBe(true);
      const onlyLr = expected();
      expect(onlyLr).toBeGreaterThan(0);
      expect(onlyLr).toBeLessThan(TRIALS);
      await expect.poll(() => rows.getAttribute("data-rows")).toBe(String(onlyLr));
      await expect.poll(() => curves.getAttribute("data-shown")).toBe(String(onlyLr));
      expect(await curves.getAttribute("data-trials")).toBe(String(TRIALS));

      // The lowest category of optimizer (categories sorted: adam, adamw, sgd from the bottom).
      await drag("optimizer", 0.7, 0.97);
      await expect.poll(() => brushInAddress().has("optimizer")).toBe(true);
      expect([...(brushInAddress().get("optimizer") as { cats: Set<string> }).cats]).toEqual([
        "adam",
      ]);
      const both = expected();
      expect(both).toBeLessThan(onlyLr);
      await expect.poll(() => rows.getAttribute("data-rows")).toBe(String(both));
      await page.getByText(`${both} of ${TRIALS} trials inside the brush`).waitFor();
      await screenshot(page, "parallel-coordinates");

      // The address carries the brush: a fresh load shows the same trials.
      const url = page.url();
      await page.goto("about:blank");
      await page.goto(url);
      await page.locator(".experiment-page[data-ready]").waitFor();
      await expect.poll(() => rows.getAttribute("data-rows")).toBe(String(both));
      await expect.poll(() => curves.getAttribute("data-shown")).toBe(String(both));

      await page.getByRole("button", { name: "clear the brush on optimizer" }).click();
      await expect.poll(() => rows.getAttribute("data-rows")).toBe(String(onlyLr));
      await page.getByRole("button", { name: "clear brush", exact: true }).click();
      await expect.poll(() => rows.getAttribute("data-rows")).toBe(String(TRIALS));
      expect(new URL(page.url()).hash).toBe(`#/experiments/${experimentId}`);
    },
    BROWSER_TEST_TIMEOUT,
  );
});
