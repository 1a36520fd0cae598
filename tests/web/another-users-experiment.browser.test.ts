/**
 * A user who is not an admin is offered no change the master would refuse
 * them on another user's experiment: no Pause or Cancel, and no Continue of a
 * trial whose experiment's environment.variables are hidden from them.
 */
import { describe, expect, test } from "vitest";
import type { ExperimentDetail } from "../../src/protocol/api/resources.js";
import { ashaConfig, syntheticLoss } from "../master/support/configs.js";
import { BROWSER_TEST_TIMEOUT, screenshot } from "./support/browser.js";
import { LiveTrials } from "./support/live-trials.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

const curve = (hparams: Record<string, unknown>, length: number) =>
  syntheticLoss({ hparams, length });

/** Signs the page's browser in with `token` from its next load on. */
async function signInAs(page: import("playwright-core").Page, token: string): Promise<void> {
  await page.context().addInitScript({
    content: `sessionStorage.setItem("pushtune.token", ${JSON.stringify(token)})`,
  });
}

describe("another user's experiment", () => {
  test(
    "a user sees Pause and Cancel on their own active experiment only, in the list and on its page",
    async () => {
      const tm = await ui.master({ slots: 4 });
      const ada = await tm.admin.post<{ token: string }>("/users", { username: "ada" });
      const theirs = await tm.admin.post<ExperimentDetail>("/experiments", {
        config: { ...ashaConfig(), name: "admins-search" },
        workdir: "/tmp",
      });
      const own = await tm.as(ada.body.token).post<ExperimentDetail>("/experiments", {
        config: { ...ashaConfig(), name: "adas-search" },
        workdir: "/tmp",
      });
      await tm.settle();

      const { page } = await ui.browser({ signedIn: false });
      await signInAs(page, ada.body.token);
      await page.goto(tm.url);
      await page.locator(".user").getByText("ada").waitFor();
      const row = (id: number) => page.locator(`tr[data-experiment="${id}"]`);
      await row(own.body.id).getByRole("button", { name: "Pause" }).waitFor();
      await row(theirs.body.id).getByText("active", { exact: true }).waitFor();
      expect(await row(theirs.body.id).getByRole("button").count()).toBe(0);
      await screenshot(page, "experiments-another-user");

      await row(theirs.body.id).getByRole("link", { name: "admins-search" }).click();
      await page.getByRole("heading", { name: /admins-search/ }).waitFor();
      await page.locator(".experiment-page .page-head").getByText("active").waitFor();
      expect(
        await page
          .locator(".experiment-page .page-head")
          .getByRole("button", { name: /Pause|Cancel/ })
          .count(),
      ).toBe(0);
      expect((await tm.store.getExperiment(theirs.body.id))?.state).toBe("ACTIVE");
    },
    BROWSER_TEST_TIMEOUT,
  );

  test(
    "Continue is not offered on a trial of an experiment whose environment.variables are hidden from the user",
    async () => {
      const tm = await ui.master({ slots: 2 });
      const ada = await tm.admin.post<{ token: string }>("/users", { username: "ada" });
      const { body } = await tm.admin.post<ExperimentDetail>("/experiments", {
        config: {
          ...ashaConfig({
            environment: { variables: { DATA_TOKEN: "s3cret" } },
            searcher: { name: "single", metric: "validation_loss", max_length: { batches: 200 } },
          }),
          name: "with-secrets",
        },
        workdir: "/tmp",
      });
      await tm.settle();
      await new LiveTrials(tm, curve).run(body.id);
      const [trial] = await tm.store.listTrials({ experimentId: body.id });
      expect(trial?.latestCheckpointUuid).toBeTruthy();
      // What the master answers her: the form would only ever get this.
      const refused = await tm.as(ada.body.token).post(`/trials/${trial!.id}/continue`, {
        length: 5000,
      });
      expect(refused.status).toBe(403);

      const { page } = await ui.browser({ signedIn: false });
      await signInAs(page, ada.body.token);
      await page.goto(`${tm.url}#/trials/${trial!.id}`);
      await page.locator(".user").getByText("ada").waitFor();
      await page.getByText("environment.variables are hidden from you").waitFor();
      expect(await page.getByRole("button", { name: "Continue" }).count()).toBe(0);
      await screenshot(page, "continue-hidden-variables");
    },
    BROWSER_TEST_TIMEOUT,
  );
});
