/**
 * Whether the master keeps answering while a heavy request runs: `/health`
 * is asked again and again until `request` settles, with the event loop's
 * delay measured meanwhile. Counts, not times, are what tests assert on.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";

export interface AnsweredDuring {
  res: LightMyRequestResponse;
  /** `/health` answers (all 200) given before `request` settled. */
  answered: number;
  /** Longest event-loop delay seen, in ms (for the log line, not for assertions). */
  maxDelayMs: number;
  p99DelayMs: number;
}

export async function healthAnsweredDuring(
  app: FastifyInstance,
  request: Promise<LightMyRequestResponse>,
): Promise<AnsweredDuring> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let done = false;
  const pending = request.finally(() => {
    done = true;
  });
  let answered = 0;
  while (!done) {
    const health = await app.inject({ method: "GET", url: "/api/v1/health" });
    if (health.statusCode !== 200) throw new Error(`/health answered ${health.statusCode}`);
    if (!done) answered++;
    await new Promise((r) => setTimeout(r, 5));
  }
  delay.disable();
  return {
    res: await pending,
    answered,
    maxDelayMs: delay.max / 1e6,
    p99DelayMs: delay.percentile(99) / 1e6,
  };
}
