/**
 * A load generator in its own thread (the master uses the other core): each
 * simulated trial sends its batches one after another on a keep-alive
 * connection; all trials run concurrently.
 */
import { Agent, request } from "node:http";
import { parentPort, workerData } from "node:worker_threads";

/** @type {{url: string, trials: {path: string, token: string, bodies: string[]}[]}} */
const job = workerData;
const agent = new Agent({ keepAlive: true, maxSockets: job.trials.length });
const target = new URL(job.url);

/** @returns {Promise<number>} */
function send(path, token, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: "POST",
        path,
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const started = performance.now();
let failed = 0;
await Promise.all(
  job.trials.map(async (t) => {
    for (const body of t.bodies) if ((await send(t.path, t.token, body)) !== 200) failed++;
  }),
);
parentPort.postMessage({ seconds: (performance.now() - started) / 1000, failed });
agent.destroy();
