/** The trials table and the trial page show a trial whose job waits in the cluster's queue as queued. */
import { expect, test } from "vitest";
import { ashaConfig } from "../master/support/configs.js";
import { BROWSER_TEST_TIMEOUT } from "./support/browser.js";
import { uiPages } from "./support/seeded-page.js";

const ui = uiPages();

test(
  "a trial whose job is still queued shows a queued note rather than the running pulse",
  async () => {
    const tm = await ui.master({ slots: 4 });
    const { body } = await tm.admin.post<{ id: number }>("/experiments", {
      config: ashaConfig(),
      workdir: "/tmp",
    });
    await tm.settle();
    const [spec, other] = [...tm.launcher.live.values()].sort((a, b) => a.trialId - b.trialId);
    tm.launcher.queuedJobs.add(spec!.allocationId);

    const { page } = await ui.browser();
    await page.goto(`${tm.url}#/experiments/${body.id}`);
    const row = (trialId: number) =>
      page.locator(".vt-row").filter({
        has: page.getByRole("link", { name: String(trialId), exact: true }),
      });
    await row(spec!.trialId).getByText("queued", { exact: true }).waitFor();
    expect(await row(spec!.trialId).getByRole("img", { name: "running" }).count()).toBe(0);
    await row(other!.trialId).getByRole("img", { name: "running" }).waitFor();
    expect(await row(other!.trialId).getByText("queued", { exact: true }).count()).toBe(0);

    await page.goto(`${tm.url}#/trials/${spec!.trialId}`);
    await page.getByRole("heading", { name: `Trial ${spec!.trialId}` }).waitFor();
    await page.locator(".page-head").getByText("queued", { exact: true }).waitFor();
  },
  BROWSER_TEST_TIMEOUT,
);
