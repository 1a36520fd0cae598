/**
 * A length of thousands reads with its separators wherever it is shown, as
 * the "Batches trained" card and the CLI write it: the current operation, the
 * searcher operations, the trials table, the checkpoints and the comparison.
 */
import { describe, expect, test } from "vitest";
import { randomConfig } from "../master/support/configs.js";
import { BROWSER_TEST_TIMEOUT } from "./support/browser.js";
import { LiveTrials } from "./support/live-trials.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

describe("long lengths", () => {
  test(
    "read 2,500, not 2500, on the trial's page and the experiment's",
    async () => {
      const tm = await ui.master({ slots: 1 });
      const { body } = await tm.admin.post<{ id: number }>("/experiments", {
        config: {
          ...randomConfig(2500, 1),
          searcher: { ...randomConfig(2500, 1).searcher, max_trials: 1 },
        },
        workdir: "/tmp",
      });
      await tm.settle();
      const [trial] = await tm.store.listTrials({ experimentId: body.id });
      const { page } = await ui.browser({ width: 1280, height: 800 });

      await page.goto(`${tm.url}#/trials/${trial!.id}`);
      await page.locator(".cards").getByText("training to 2,500", { exact: true }).waitFor();
      await page.getByRole("cell", { name: "2,500", exact: true }).waitFor();

      await new LiveTrials(tm, (_h, s) => 1 / (1 + s), 500, 1000).run(body.id);
      await page.reload();
      const checkpoints = page.locator("table.checkpoints");
      await checkpoints.getByRole("cell", { name: "2,500", exact: true }).waitFor();

      await page.goto(`${tm.url}#/experiments/${body.id}?compare=${trial!.id}`);
      await page.locator(".experiment-page[data-ready]").waitFor();
      const row = page.locator(".vt-row");
      expect(await row.locator(".vt-td.num").allInnerTexts()).toContain("2,500");
      const compare = page.locator(".compare");
      await expect(
        compare.locator('tr[data-key="length trained"] td').allInnerTexts(),
      ).resolves.toEqual(["2,500"]);
      await page.locator("summary", { hasText: "Checkpoints" }).click();
      await page
        .locator(".experiment-checkpoints table.checkpoints")
        .getByRole("cell", { name: "2,500", exact: true })
        .waitFor();
    },
    BROWSER_TEST_TIMEOUT,
  );
});
