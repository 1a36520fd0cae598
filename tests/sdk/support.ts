/** Opens a context on a fake master for one test, closed when the test ends. */
import { onTestFinished } from "vitest";
import { type Context, type FakeMaster, type InitOptions, init } from "../../src/sdk/index.js";

/** Retry fast: tests simulate outages of milliseconds, not seconds. */
export const fastBackoff = { initialMs: 1, maxMs: 20 };

export async function openContext(fm: FakeMaster, options: InitOptions = {}): Promise<Context> {
  const ctx = await init({
    transport: fm,
    env: fm.env(),
    handleExitSignals: false,
    backoff: fastBackoff,
    log: () => {},
    ...options,
  });
  onTestFinished(() => ctx.close().catch(() => undefined));
  return ctx;
}
