/**
 * Operation round trip: a trial completes an op and asks for its next one,
 * while 500 other trials sit in long polls waiting for a promotion. Measures
 * p50 and p99 of (POST completed_operation → GET operation answered).
 */
import { Agent, request } from "node:http";
import { fileURLToPath } from "node:url";
import { MAX_RUNGS } from "../src/protocol/config/limits.js";
import { type BenchMaster, fmt, percentile, startBenchMaster } from "./support/bench-master.js";

const WAITERS = Number(process.env.WAITERS ?? 500);
const SAMPLES = 300;

const agent = new Agent({ keepAlive: true, maxSockets: 2000 });

/** One request on a keep-alive connection (node:http: no extra client-side buffering). */
function call(
  bm: BenchMaster,
  method: "GET" | "POST",
  path: string,
  token: string,
  body?: unknown,
) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const url = new URL(`${bm.url}/api/v1${path}`);
  return new Promise<{ op: { length: number } | null; completed: boolean }>((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(payload
            ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }
            : {}),
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => {
          text += c;
        });
        res.on("end", () => {
          if ((res.statusCode ?? 0) >= 400) reject(new Error(`${path}: ${res.statusCode} ${text}`));
          else resolve(JSON.parse(text));
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** Creates an async_halving experiment minimising "loss" and lets its trials start. */
async function createAsha(bm: BenchMaster, searcher: Record<string, unknown>) {
  await bm.post("/experiments", {
    workdir: "/tmp",
    config: {
      entrypoint: "true",
      searcher: { name: "async_halving", metric: "loss", ...searcher },
    },
  });
  await bm.settle();
}

/** Creates a one-trial experiment and times its trial's round trips into `times`, one per rung. */
async function measureOneTrial(bm: BenchMaster, seen: Set<number>, times: number[]) {
  await createAsha(bm, {
    max_length: 2 ** 30,
    num_rungs: MAX_RUNGS,
    divisor: 1.0001,
    max_trials: 1,
    max_concurrent_trials: 1,
    stop_once: true,
  });
  const spec = [...bm.launcher.live.values()].find((s) => !seen.has(s.trialId));
  if (spec === undefined) return;
  seen.add(spec.trialId);
  const token = spec.env.PUSHTUNE_TOKEN!;
  let op = (await call(bm, "GET", `/trials/${spec.trialId}/searcher/operation`, token)).op;
  for (let i = 0; times.length < SAMPLES && op; i++) {
    const started = performance.now();
    await call(bm, "POST", `/trials/${spec.trialId}/searcher/completed_operation`, token, {
      op: { length: op.length },
      searcherMetric: -i,
    });
    const next = await call(
      bm,
      "GET",
      `/trials/${spec.trialId}/searcher/operation?waitSeconds=10`,
      token,
    );
    times.push(performance.now() - started);
    op = next.op;
  }
}

export async function run(): Promise<Record<string, number>> {
  const bm = await startBenchMaster(100_000);
  // The waiters: 500 of the experiment's 501 trials finish rung 0; with divisor 1000 none is
  // promoted and, with the last trial's result still to come, none is closed. Every trial is
  // created and running, so a waiter has no next trial to hand its process to: all wait for a
  // promotion in a long poll.
  await createAsha(bm, {
    max_length: 1000,
    num_rungs: 2,
    divisor: 1000,
    max_trials: WAITERS + 1,
    max_concurrent_trials: WAITERS + 1,
  });
  const waiters = [...bm.launcher.live.values()].slice(0, WAITERS);
  for (const s of waiters) {
    const op = await call(
      bm,
      "GET",
      `/trials/${s.trialId}/searcher/operation`,
      s.env.PUSHTUNE_TOKEN!,
    );
    await call(
      bm,
      "POST",
      `/trials/${s.trialId}/searcher/completed_operation`,
      s.env.PUSHTUNE_TOKEN!,
      {
        op: { length: op.op!.length },
        searcherMetric: s.trialId,
      },
    );
  }
  const polls = waiters.map((s) =>
    call(
      bm,
      "GET",
      `/trials/${s.trialId}/searcher/operation?waitSeconds=120`,
      s.env.PUSHTUNE_TOKEN!,
    ).catch(() => null),
  );
  for (let i = 0; i < 100 && bm.master.ctx.notifier.size < waiters.length; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const parked = bm.master.ctx.notifier.size;

  // The measured trials: stop_once ASHA with ever-better metrics, so every report earns the next
  // op at once; a trial has at most MAX_RUNGS ops, so the samples come from one trial after another.
  const seen = new Set([...bm.launcher.live.values()].map((s) => s.trialId));
  const times: number[] = [];
  while (times.length < SAMPLES) {
    const before = times.length;
    await measureOneTrial(bm, seen, times);
    if (times.length === before) break;
  }
  times.sort((a, b) => a - b);
  const p50 = percentile(times, 50);
  const p99 = percentile(times, 99);
  console.log(
    `operation round trip with ${parked} trials parked in long polls (${times.length} samples):`,
  );
  console.log(`  p50 ${fmt(p50, 2)} ms   p99 ${fmt(p99, 2)} ms   (aim: p99 < 10 ms)`);
  await bm.close();
  await Promise.allSettled(polls);
  agent.destroy();
  return { parked, p50, p99, samples: times.length };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await run();
