/**
 * A page left open while the master is away (restarting, stopped, the
 * network down): it says the master cannot be reached, not the browser's bare
 * "Failed to fetch", keeps what it has drawn, and clears the note once the
 * master answers again.
 */
import { describe, expect, test } from "vitest";
import { BROWSER_TEST_TIMEOUT } from "./support/browser.js";
import { seededExperimentPages } from "./support/seeded-page.js";

const pages = seededExperimentPages();

describe("a page whose master goes away", () => {
  test(
    "says it cannot reach the master, keeps its data, and recovers when the master is back",
    async () => {
      const { page } = await pages.open({ trials: 5, points: 3 });
      // Every request of the page fails as when nothing listens on the master's port.
      await page.route("**/api/v1/**", (route) => route.abort("connectionrefused"));
      const note = page.locator(".error-note");
      await note.waitFor({ timeout: 40_000 });
      await expect(note.textContent()).resolves.toMatch(
        /^Cannot reach the master \(.+\): it may be restarting or stopped\.$/,
      );
      expect(await page.locator(".vt-row").count()).toBe(5);

      await page.unroute("**/api/v1/**");
      await note.waitFor({ state: "detached", timeout: 40_000 });
    },
    BROWSER_TEST_TIMEOUT,
  );
});
