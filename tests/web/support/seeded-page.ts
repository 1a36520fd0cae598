/**
 * A UI master and a browser for each test, both closed after it; and, on top
 * of them, a browser on the page of a finished experiment seeded straight into
 * that master's store (see seed-experiment.ts).
 */
import { afterEach } from "vitest";
import type { HParamValue } from "../../../src/protocol/config/types.js";
import { type Browser, launchBrowser } from "./browser.js";
import { seedExperiment } from "./seed-experiment.js";
import { startUiMaster, type UiMaster } from "./ui-master.js";

export interface UiBrowserOptions {
  /** Signed in as the master's admin (the default), or on the sign-in page. */
  signedIn?: boolean;
  width?: number;
  height?: number;
  locale?: string;
  timezoneId?: string;
}

/** Call at a test file's top level: each test starts its own master and browser. */
export function uiPages() {
  let tm: UiMaster | null = null;
  let browser: Browser | null = null;
  afterEach(async () => {
    await browser?.close();
    await tm?.close();
    browser = tm = null;
  });
  const current = () => {
    if (!tm) throw new Error("start the test's master first");
    return tm;
  };
  return {
    /** Starts this test's master. */
    async master(options?: Parameters<typeof startUiMaster>[0]): Promise<UiMaster> {
      tm = await startUiMaster(options);
      return tm;
    },
    /** Seeds a finished experiment of `trials` × `points`, owned by the admin, into the master's store. */
    async seed(size: { trials: number; points: number; constant?: HParamValue }) {
      const master = current();
      const owner = (await master.store.getUserByName("admin"))!;
      return seedExperiment(master.store, { ...size, ownerId: owner.id });
    },
    /** Launches this test's browser, on no page yet. */
    async browser(options: UiBrowserOptions = {}): Promise<Browser> {
      const { signedIn = true, ...size } = options;
      browser = await launchBrowser({
        ...size,
        ...(signedIn ? { token: current().adminToken } : {}),
      });
      return browser;
    },
  };
}

export function seededExperimentPages() {
  const ui = uiPages();
  return {
    /** Seeds `trials` × `points`, opens the experiment's page and waits until it is drawn. */
    async open(size: { trials: number; points: number }) {
      const master = await ui.master();
      const seeded = await ui.seed(size);
      const { page } = await ui.browser();
      await page.goto(`${master.url}#/experiments/${seeded.experimentId}`);
      await page.locator(".experiment-page[data-ready]").waitFor();
      return { tm: master, page, ...seeded };
    },
  };
}
