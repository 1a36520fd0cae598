/**
 * For the pages that show a running trial's state: an ASHA experiment whose
 * first two trials run on a UI master's fake launcher, and a trial's row in
 * the experiment page's trials table.
 */
import type { Locator, Page } from "playwright-core";
import type { LaunchSpec } from "../../../src/master/launcher/launcher.js";
import { ashaConfig } from "../../master/support/configs.js";
import type { UiMaster } from "./ui-master.js";

export async function twoRunningTrials(
  tm: UiMaster,
): Promise<{ experimentId: number; first: LaunchSpec; second: LaunchSpec }> {
  const { body } = await tm.admin.post<{ id: number }>("/experiments", {
    config: ashaConfig(),
    workdir: "/tmp",
  });
  await tm.settle();
  const [first, second] = [...tm.launcher.live.values()].sort((a, b) => a.trialId - b.trialId);
  if (!first || !second) throw new Error("the experiment's first two trials do not run");
  return { experimentId: body.id, first, second };
}

export function trialRow(page: Page, trialId: number): Locator {
  return page.locator(".vt-row").filter({
    has: page.getByRole("link", { name: String(trialId), exact: true }),
  });
}
