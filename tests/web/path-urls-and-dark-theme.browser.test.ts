/**
 * Path URLs (`/experiments/1`, `/trials/2`) open their pages, and the UI
 * follows the system's colour scheme: its CSS variables and the plots drawn
 * on canvases alike.
 */
import { describe, expect, test } from "vitest";
import { ashaConfig } from "../master/support/configs.js";
import { BROWSER_TEST_TIMEOUT, screenshot } from "./support/browser.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

/** A script that reads an element's computed background colour. */
const backgroundOf = (selector: string) =>
  `getComputedStyle(document.querySelector(${JSON.stringify(selector)})).backgroundColor`;

describe("path URLs and the dark theme", () => {
  test(
    "/experiments/N and /trials/N open their pages",
    async () => {
      const tm = await ui.master({ slots: 1 });
      const { body } = await tm.admin.post<{ id: number }>("/experiments", {
        config: ashaConfig(),
        workdir: "/tmp",
      });
      await tm.settle();
      const [trial] = await tm.store.listTrials({ experimentId: body.id });
      const { page } = await ui.browser();
      await page.goto(`${tm.url}experiments/${body.id}`);
      await page.getByRole("heading", { name: "asha-test" }).waitFor();
      expect(new URL(page.url()).hash).toBe(`#/experiments/${body.id}`);
      await page.goto(`${tm.url}trials/${trial!.id}`);
      await page.getByRole("heading", { name: `Trial ${trial!.id}` }).waitFor();
      expect(new URL(page.url()).pathname).toBe("/");
    },
    BROWSER_TEST_TIMEOUT,
  );

  test(
    "the page and its plots follow the system's dark setting",
    async () => {
      const tm = await ui.master({ slots: 1 });
      const { experimentId } = await ui.seed({
        trials: 40,
        points: 10,
      });
      const { page } = await ui.browser();
      await page.emulateMedia({ colorScheme: "light" });
      await page.goto(`${tm.url}#/experiments/${experimentId}`);
      await page.locator(".experiment-page[data-ready]").waitFor();
      expect(await page.evaluate(backgroundOf("html"))).toBe("rgb(246, 247, 249)");
      expect(await page.evaluate(backgroundOf(".panel"))).toBe("rgb(255, 255, 255)");
      const lightAxis = await axisPixels(page);
      await screenshot(page, "experiment-light");

      await page.emulateMedia({ colorScheme: "dark" });
      await expect.poll(() => page.evaluate(backgroundOf("html"))).toBe("rgb(11, 17, 32)");
      expect(await page.evaluate(backgroundOf(".panel"))).toBe("rgb(17, 24, 39)");
      // The plots redraw in the dark palette: their axis text is light now.
      await expect.poll(() => axisPixels(page)).not.toEqual(lightAxis);
      const dark = await axisPixels(page);
      expect(dark.brightest).toBeGreaterThan(150);
      expect(lightAxis.darkest).toBeLessThan(110);
      await screenshot(page, "experiment-dark");
    },
    BROWSER_TEST_TIMEOUT,
  );
});

/** The darkest and brightest opaque pixels of the curves chart's canvas: axes, labels and grid. */
async function axisPixels(page: import("playwright-core").Page) {
  return page.evaluate(`(() => {
    const canvas = document.querySelector(".curves canvas");
    const ctx = canvas.getContext("2d");
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let darkest = 255, brightest = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] < 250) continue;
      const v = (data[i] + data[i + 1] + data[i + 2]) / 3;
      darkest = Math.min(darkest, v);
      brightest = Math.max(brightest, v);
    }
    return { darkest: Math.round(darkest), brightest: Math.round(brightest) };
  })()`) as Promise<{ darkest: number; brightest: number }>;
}
