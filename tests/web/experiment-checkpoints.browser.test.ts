/** The experiment's checkpoints: every one with its trial, steps, validation, size, kept or deleted by the keep policy, and a download command to copy. */
import { describe, expect, test } from "vitest";
import { ashaConfig, syntheticLoss } from "../master/support/configs.js";
import { BROWSER_TEST_TIMEOUT, screenshot } from "./support/browser.js";
import { LiveTrials } from "./support/live-trials.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

describe("the experiment's checkpoints", () => {
  test(
    "lists each checkpoint best first, kept or deleted, with a copyable download command",
    async () => {
      const tm = await ui.master({ slots: 3 });
      const { body } = await tm.admin.post<{ id: number }>("/experiments", {
        // Only the experiment's best two are kept when it ends.
        config: ashaConfig(
          {
            checkpoint_storage: {
              type: "shared_fs",
              save_experiment_best: 2,
              save_trial_best: 0,
              save_trial_latest: 0,
            },
          },
          { max_trials: 6 },
        ),
        workdir: "/tmp",
      });
      await tm.settle();
      await new LiveTrials(
        tm,
        (hparams, length) => syntheticLoss({ hparams, length }),
        50,
        100,
      ).run(body.id);
      expect((await tm.store.getExperiment(body.id))?.state).toBe("COMPLETED");
      const stored = await tm.store.listCheckpoints({
        experimentId: body.id,
        includeDeleted: true,
      });
      const deleted = stored.filter((c) => c.state === "DELETED");
      expect(deleted.length).toBeGreaterThan(0);

      const { page, context } = await ui.browser();
      await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: tm.url });
      await page.goto(`${tm.url}#/experiments/${body.id}`);
      await page.locator(".experiment-page[data-ready]").waitFor();
      await page.getByText("Checkpoints", { exact: true }).click();
      const panel = page.locator(".experiment-checkpoints");
      await panel.waitFor();
      expect(Number(await panel.getAttribute("data-checkpoints"))).toBe(stored.length);
      const rows = panel.locator("tbody tr");
      expect(await rows.count()).toBe(stored.length);

      // Best first: the first row's validation is the experiment's best.
      const best = (await tm.admin.get<{ bestMetric: number }>(`/experiments/${body.id}`)).body
        .bestMetric;
      expect(Number((await rows.first().locator("td").nth(2).textContent()) ?? "")).toBeCloseTo(
        best,
        3,
      );
      // A deleted one says so and offers no command.
      const gone = panel.locator(`tr[data-uuid="${deleted[0]!.uuid}"]`);
      expect((await gone.locator(".chip").textContent()) ?? "").toBe("deleted");
      expect(await gone.locator("code").count()).toBe(0);
      // A kept one has the command, and copy puts it on the clipboard.
      const kept = rows.filter({ has: page.locator(".chip.kept") }).first();
      const command = (await kept.locator("code").textContent()) ?? "";
      const uuid = await kept.getAttribute("data-uuid");
      expect(command).toBe(
        `pushtune checkpoint download ${uuid} --master ${tm.url.replace(/\/$/, "")}`,
      );
      await kept.getByRole("button", { name: "copy" }).click();
      await kept.getByRole("button", { name: "copied" }).waitFor();
      expect(await page.evaluate("navigator.clipboard.readText()")).toBe(command);

      await panel.getByLabel("kept only").check();
      expect(await rows.count()).toBe(stored.length - deleted.length);
      await screenshot(page, "experiment-checkpoints");
      await page.emulateMedia({ colorScheme: "dark" });
      await screenshot(page, "experiment-checkpoints-dark");
    },
    BROWSER_TEST_TIMEOUT,
  );
});
