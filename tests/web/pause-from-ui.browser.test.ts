/** Pausing an experiment from the UI stops its trials; activating it starts them again. */
import { describe, expect, test } from "vitest";
import { ashaConfig, syntheticLoss } from "../master/support/configs.js";
import { BROWSER_TEST_TIMEOUT, screenshot } from "./support/browser.js";
import { LiveTrials } from "./support/live-trials.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

const curve = (hparams: Record<string, unknown>, length: number) =>
  syntheticLoss({ hparams, length });

describe("pause from the UI", () => {
  test(
    "the Pause button preempts every running trial; once they exit they are paused",
    async () => {
      const tm = await ui.master({ slots: 3 });
      const done = await tm.admin.post<{ id: number }>("/experiments", {
        config: { ...ashaConfig(), name: "finished-search" },
        workdir: "/tmp",
      });
      await tm.settle();
      await new LiveTrials(tm, curve).run(done.body.id);
      const { body } = await tm.admin.post<{ id: number }>("/experiments", {
        config: { ...ashaConfig(), name: "resnet-asha" },
        workdir: "/tmp",
      });
      const id = body.id;
      await tm.settle();
      const trials = new LiveTrials(tm, curve);
      await trials.step();
      const runningBefore = (await tm.store.listLiveAllocations({ experimentId: id })).map(
        (a) => a.trialId,
      );
      expect(runningBefore).toHaveLength(3);

      const { page } = await ui.browser();
      await page.goto(tm.url);
      const row = page.locator(`tr[data-experiment="${id}"]`);
      await row.getByText("active", { exact: true }).waitFor();
      await row.getByRole("button", { name: "Pause" }).click();
      await row.getByText("paused", { exact: true }).waitFor();
      await row.getByRole("button", { name: "Activate" }).waitFor();

      expect((await tm.store.getExperiment(id))?.state).toBe("PAUSED");
      const live = await tm.store.listLiveAllocations({ experimentId: id });
      expect(live.map((a) => a.trialId).sort()).toEqual([...runningBefore].sort());
      expect(live.every((a) => a.preemptRequested)).toBe(true);

      // The trials see the request, checkpoint and exit.
      await trials.step();
      expect(tm.launcher.live.size).toBe(0);
      const states = (await tm.store.listTrials({ experimentId: id })).map((t) => t.state);
      expect(new Set(states)).toEqual(new Set(["PAUSED"]));

      await row.getByRole("link", { name: "resnet-asha" }).click();
      await expect
        .poll(() => page.locator(".vt-row .badge").allTextContents(), { timeout: 20_000 })
        .toEqual(states.map(() => "paused"));
      await page.getByRole("link", { name: "← Experiments" }).click();
      await row.getByText("paused", { exact: true }).waitFor();
      await screenshot(page, "experiments");

      await row.getByRole("button", { name: "Activate" }).click();
      await row.getByText("active", { exact: true }).waitFor();
      await tm.settle();
      expect(tm.launcher.live.size).toBe(3);
      expect((await tm.store.getExperiment(id))?.state).toBe("ACTIVE");
    },
    BROWSER_TEST_TIMEOUT,
  );
});
