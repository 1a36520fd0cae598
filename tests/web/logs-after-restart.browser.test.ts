/**
 * A trial page open while its master restarts: the logs panel says it cannot
 * reach the master while it is down, and stops saying so as soon as the
 * master answers again, not when the next wait for new lines would end.
 */
import { describe, expect, test } from "vitest";
import { ashaConfig } from "../master/support/configs.js";
import { BROWSER_TEST_TIMEOUT } from "./support/browser.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

describe("a trial's logs across a master restart", () => {
  test(
    "the logs panel's error goes once the master is back, and the new lines follow",
    async () => {
      const tm = await ui.master({ slots: 1 });
      await tm.admin.post("/experiments", { config: ashaConfig(), workdir: "/tmp" });
      await tm.settle();
      const spec = [...tm.launcher.live.values()][0]!;
      tm.launcher.log(spec.allocationId, "before the restart");
      await tm.settle();

      const { page } = await ui.browser();
      await page.goto(`${tm.url}#/trials/${spec.trialId}`);
      const panel = page.locator(".logs-panel");
      await panel.getByText("before the restart").waitFor();

      const port = Number(new URL(tm.url).port);
      await tm.restart();
      const error = panel.locator(".error-note");
      await error.waitFor({ timeout: 40_000 });

      await tm.app.listen({ host: "127.0.0.1", port });
      const back = Date.now();
      await error.waitFor({ state: "detached", timeout: 40_000 });
      // A read that waits for new lines would have kept it up to 20 s.
      expect(Date.now() - back).toBeLessThan(10_000);

      const [live] = [...tm.launcher.live.values()];
      expect(live).toBeDefined();
      tm.launcher.log(live!.allocationId, "after the restart");
      await tm.settle();
      await panel.getByText("after the restart").waitFor();
    },
    BROWSER_TEST_TIMEOUT,
  );
});
