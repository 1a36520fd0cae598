/**
 * A search method of one's own, run against a `searcher.name: custom`
 * experiment: successive halving over hyperparameters sampled from a seeded
 * generator. 8 trials train to 32 batches, the best half of them on to 128,
 * the best half of those on to 256; then the search shuts down.
 *
 *   PUSHTUNE_MASTER=http://127.0.0.1:8080 PUSHTUNE_TOKEN=… node search.js <experiment id>
 *
 * Kill it at any moment and start it again: the SearchRunner replays the
 * experiment's events into a fresh SuccessiveHalving and carries on where the
 * last process stopped. That is why the method draws from a generator seeded
 * by the request id, never from Math.random: given the same events, it must
 * decide the same operations.
 */
import { RequestError, SearchRunner } from "pushtune";

const TRIALS = 8;
const RUNGS = [32, 128, 256];

/** mulberry32: a small seeded generator, enough to sample hyperparameters. */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sample(requestId) {
  const random = generator(1000 + requestId);
  return {
    lr: 10 ** (-4 + 3 * random()),
    hidden: 16 + Math.floor(random() * 497),
    optimizer: random() < 0.5 ? "adam" : "sgd",
  };
}

class SuccessiveHalving {
  /** rung length → (request id → metric) */
  results = new Map();
  /** request id → the length it was last sent to */
  target = new Map();

  validateAfter(requestId, length) {
    this.target.set(requestId, length);
    return { type: "validateAfter", requestId, length };
  }

  initialOperations(state) {
    const ops = [];
    for (let i = 1; i <= TRIALS; i++) {
      const create = state.create(sample(i));
      ops.push(create, this.validateAfter(create.requestId, RUNGS[0]));
    }
    return ops;
  }

  onTrialCreated() {
    return [];
  }

  onValidationCompleted(state, requestId, metric, length) {
    const rung = this.results.get(length) ?? new Map();
    this.results.set(length, rung);
    rung.set(requestId, metric);
    const k = RUNGS.indexOf(length);
    const size = TRIALS / 2 ** k;
    if (rung.size < size) return [];
    // The rung is full: the best half goes on, the rest are closed (those that failed are already).
    const ranked = [...rung]
      .sort((a, b) => a[1] - b[1] || a[0] - b[0])
      .map(([id]) => id)
      .filter((id) => !state.trialsClosed.has(id));
    const keep = k + 1 < RUNGS.length ? ranked.slice(0, size / 2) : [];
    return [
      ...keep.map((id) => this.validateAfter(id, RUNGS[k + 1])),
      ...ranked.filter((id) => !keep.includes(id)).map((id) => ({ type: "close", requestId: id })),
    ];
  }

  onTrialClosed(state) {
    return state.trialsClosed.size === TRIALS ? [{ type: "shutdown" }] : [];
  }

  onTrialExitedEarly(state, requestId) {
    // A trial that fails ranks last in its rung (so the rung still fills) and is not retried.
    const length = this.target.get(requestId);
    const ops = this.onValidationCompleted(state, requestId, Number.POSITIVE_INFINITY, length);
    return [...ops, ...this.onTrialClosed(state)];
  }

  progress(state) {
    return state.trialsClosed.size / TRIALS;
  }
}

const experimentId = Number(process.argv[2]);
if (!Number.isInteger(experimentId) || experimentId < 1) {
  console.error(
    "usage: node search.js <experiment id>   (with PUSHTUNE_MASTER and PUSHTUNE_TOKEN set)",
  );
  process.exit(2);
}
const runner = new SearchRunner(new SuccessiveHalving(), {
  experimentId,
  onEvent: (event, replayed) =>
    console.log(
      `${replayed ? "replayed" : "event"} ${event.id} ${event.type}${"requestId" in event ? ` trial ${event.requestId}` : ""}`,
    ),
});
try {
  const state = await runner.run();
  console.log(`search over: experiment ${experimentId} is ${state}`);
} catch (err) {
  // The master refused (a token revoked or unknown, the experiment deleted): one line says why.
  if (!(err instanceof RequestError)) throw err;
  console.error(`search.js: ${err.message}`);
  process.exit(1);
}
