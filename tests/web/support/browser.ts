/**
 * Debian's Chromium driven by playwright-core, headless, with a fresh
 * profile per test; screenshots go to test-output/screenshots (git-ignored).
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { expect } from "vitest";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Per browser test: `npm test` runs every file at once, Chromiums included, on few cores. */
export const BROWSER_TEST_TIMEOUT = 180_000;
const SHOTS = join(process.cwd(), "test-output", "screenshots");

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function launchBrowser(
  options: {
    token?: string;
    width?: number;
    height?: number;
    /** The browser's language and time zone (the machine's when absent). */
    locale?: string;
    timezoneId?: string;
  } = {},
): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
    );
  const profile = await mkdtemp(join(tmpdir(), "pushtune-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: options.width ?? 1440, height: options.height ?? 900 },
    ...(options.locale ? { locale: options.locale } : {}),
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  if (options.token) {
    await context.addInitScript({
      content: `sessionStorage.setItem("pushtune.token", ${JSON.stringify(options.token)})`,
    });
  }
  const page = context.pages()[0] ?? (await context.newPage());
  // Generous: CI runs every test file at once on few cores.
  page.setDefaultTimeout(30_000);
  return {
    context,
    page,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Writes a full-page screenshot to test-output/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SHOTS, { recursive: true });
  const path = join(SHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Each element `items` finds starts right of where the one before it ends: none overlap. */
export async function expectSideBySide(items: Locator): Promise<void> {
  const boxes = await items.evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { left: r.left, right: r.right };
    }),
  );
  for (let k = 1; k < boxes.length; k++)
    expect(boxes[k]!.left, `item ${k}`).toBeGreaterThan(boxes[k - 1]!.right);
}
