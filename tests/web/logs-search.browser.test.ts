/** A trial's logs: a search shows only the matching lines, and "First error" finds the first error line even before the lines loaded. */
import type { Locator } from "playwright-core";
import { describe, expect, test } from "vitest";
import { ashaConfig } from "../master/support/configs.js";
import { BROWSER_TEST_TIMEOUT, screenshot } from "./support/browser.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

/** WCAG's contrast ratio of an element's text against its own background. */
function contrast(el: Locator): Promise<number> {
  return el.evaluate((e) => {
    const style = e.ownerDocument.defaultView!.getComputedStyle(e);
    const luminance = (css: string) => {
      const [r, g, b] = css
        .match(/\d+(\.\d+)?/g)!
        .slice(0, 3)
        .map((c) => {
          const v = Number(c) / 255;
          return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
        });
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const [hi, lo] = [luminance(style.color), luminance(style.backgroundColor)].sort(
      (a, b) => b - a,
    );
    return (hi! + 0.05) / (lo! + 0.05);
  });
}

describe("searching a trial's logs", () => {
  test(
    "filters the lines by text or /regex/ and jumps to the first error line",
    async () => {
      const tm = await ui.master({ slots: 1 });
      await tm.admin.post("/experiments", { config: ashaConfig(), workdir: "/tmp" });
      await tm.settle();
      const spec = [...tm.launcher.live.values()][0]!;
      const log = (line: string, stream: "stdout" | "stderr" = "stdout") =>
        tm.launcher.log(spec.allocationId, line, stream);
      log("loading data");
      log("Traceback (most recent call last):", "stderr");
      log('  File "train.py", line 3, in <module>', "stderr");
      log("ValueError: lr must be positive", "stderr");
      // More lines than the panel first loads (its last 1000): the error is not among them.
      for (let i = 1; i <= 1500; i++) log(`step ${i}: loss ${(1 / i).toFixed(4)}`);
      log("RuntimeError: later error", "stderr");
      await tm.settle();

      const { page } = await ui.browser({ height: 1000 });
      await page.goto(`${tm.url}#/trials/${spec.trialId}`);
      const logs = page.locator(".logs");
      await logs.getByText("step 1500: loss").waitFor();
      expect(await logs.getAttribute("data-lines")).toBe("1000");

      const search = page.getByLabel("search the logs");
      await search.fill("step 14");
      // Only the loaded lines (steps 502…1500) are searched until the log is loaded whole.
      await expect.poll(() => logs.locator(".log-line").count()).toBe(100);
      expect((await logs.locator("mark").first().textContent()) ?? "").toBe("step 14");
      // A match reads as well as the text around it, on the dark log panel of either theme.
      expect(await contrast(logs.locator("mark").first())).toBeGreaterThanOrEqual(4.5);
      await page.emulateMedia({ colorScheme: "dark" });
      expect(await contrast(logs.locator("mark").first())).toBeGreaterThanOrEqual(4.5);
      await page.emulateMedia({ colorScheme: "light" });
      await search.fill("/^step 1[0-4]00:/");
      await expect.poll(() => logs.locator(".log-line").count()).toBe(5);
      await screenshot(page, "logs-search");

      await page.getByRole("button", { name: "First error" }).click();
      const target = logs.locator(".log-line.target");
      await target.waitFor();
      expect((await target.textContent()) ?? "").toContain("Traceback (most recent call last):");
      expect(await search.inputValue()).toBe("");
      expect(Number(await logs.getAttribute("data-lines"))).toBe(1505);
      // Scrolled into the box's view.
      const box = (await logs.boundingBox())!;
      const at = (await target.boundingBox())!;
      expect(at.y).toBeGreaterThanOrEqual(box.y);
      expect(at.y + at.height).toBeLessThanOrEqual(box.y + box.height);
      await screenshot(page, "logs-first-error");
      await page.emulateMedia({ colorScheme: "dark" });
      await screenshot(page, "logs-first-error-dark");

      // The log goes on following after it was loaded whole.
      log("epoch 2 done");
      await logs.getByText("epoch 2 done").waitFor({ timeout: 20_000 });
      expect(Number(await logs.getAttribute("data-lines"))).toBe(1506);
    },
    BROWSER_TEST_TIMEOUT,
  );
});
