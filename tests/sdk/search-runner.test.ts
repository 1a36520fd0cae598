/**
 * The SDK's SearchRunner against the real master: a user's SearchMethod runs
 * a search to the end, and a runner that dies at any point (before a post is
 * sent, or after it landed but before its answer came back) is replaced by a
 * fresh one that neither repeats nor loses an operation.
 */
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { SearcherEventsResponse } from "../../src/protocol/api/custom-searcher.js";
import type { SearchMethod, SearchOperation, SearchState, Transport } from "../../src/sdk/index.js";
import { NondeterministicSearchError, SearchRunner } from "../../src/sdk/index.js";
import { customConfig } from "../master/support/configs.js";
import { startTestMaster, type TestMaster } from "../master/support/harness.js";
import { summarize, TrialPlayer, type TrialSummaryRow } from "../master/support/trial-player.js";
import { injectTransport } from "./inject-transport.js";

const LRS = [0.001, 0.003, 0.01, 0.03];

/** Successive halving by hand: 4 trials to 100, the best 2 to 300, the best to 1000. */
class Halving implements SearchMethod {
  private readonly results = new Map<number, Map<number, number>>();
  private readonly rungs = [100, 300, 1000];

  initialOperations(state: SearchState): SearchOperation[] {
    return LRS.flatMap((lr) => {
      const create = state.create({ lr, layers: 2, opt: "adam" });
      return [create, { type: "validateAfter", requestId: create.requestId, length: 100 }];
    });
  }
  onTrialCreated(): SearchOperation[] {
    return [];
  }
  onValidationCompleted(
    _s: SearchState,
    requestId: number,
    metric: number,
    length: number,
  ): SearchOperation[] {
    const rung = this.results.get(length) ?? new Map<number, number>();
    this.results.set(length, rung);
    rung.set(requestId, metric);
    const k = this.rungs.indexOf(length);
    const size = LRS.length / 2 ** k;
    if (rung.size < size) return [];
    const ranked = [...rung].sort((a, b) => a[1] - b[1]).map(([id]) => id);
    const keep = k + 1 < this.rungs.length ? ranked.slice(0, size / 2) : [];
    return [
      ...keep.map((id) => ({
        type: "validateAfter" as const,
        requestId: id,
        length: this.rungs[k + 1]!,
      })),
      ...ranked
        .filter((id) => !keep.includes(id))
        .map((id) => ({ type: "close" as const, requestId: id })),
    ];
  }
  onTrialClosed(state: SearchState): SearchOperation[] {
    return state.trialsClosed.size === LRS.length ? [{ type: "shutdown" }] : [];
  }
  onTrialExitedEarly(): SearchOperation[] {
    return [];
  }
  progress(state: SearchState): number {
    return state.trialsClosed.size / LRS.length;
  }
}

/**
 * Two trials, one of whose hyperparameters (lr 0.09) make it exit early; each
 * early exit is replaced by a trial at lr 0.02. Every trial is closed after
 * its first validation.
 */
class Replacing implements SearchMethod {
  readonly exits: [number, string][] = [];

  initialOperations(state: SearchState): SearchOperation[] {
    return [0.09, 0.01].flatMap((lr) => this.train(state, lr));
  }
  private train(state: SearchState, lr: number): SearchOperation[] {
    const create = state.create({ lr, layers: 2, opt: "adam" });
    return [create, { type: "validateAfter", requestId: create.requestId, length: 100 }];
  }
  onTrialCreated(): SearchOperation[] {
    return [];
  }
  onValidationCompleted(_s: SearchState, requestId: number): SearchOperation[] {
    return [{ type: "close", requestId }];
  }
  onTrialClosed(state: SearchState): SearchOperation[] {
    return state.trialsClosed.size === 3 ? [{ type: "shutdown" }] : [];
  }
  onTrialExitedEarly(state: SearchState, requestId: number, reason: string): SearchOperation[] {
    this.exits.push([requestId, reason]);
    return this.train(state, 0.02);
  }
  progress(state: SearchState): number {
    return state.trialsClosed.size / 3;
  }
}

class Crash extends Error {}

/** A transport that dies at one POST: before sending it, or once it landed. */
function dying(inner: Transport, at: number, landed: boolean): Transport {
  let posts = 0;
  return {
    async request(method, path, body, options) {
      if (method === "POST" && ++posts === at) {
        if (landed) await inner.request(method, path, body, options);
        throw new Crash(`died at post ${at}`);
      }
      return inner.request(method, path, body, options);
    },
  };
}

let tm: TestMaster;
beforeEach(async () => {
  tm = await startTestMaster({ slots: 4 });
});
afterEach(async () => tm.close());

const loss = ({ hparams, length }: { hparams: Record<string, unknown>; length: number }) =>
  Math.abs(Math.log10(Number(hparams.lr)) + 2) + 100 / length;

/**
 * Plays the trials until `search` (the search processes) ends; returns its
 * result. Bounded in idle turns, not time: a search that stops moving fails
 * instead of hanging.
 */
async function playWhile(player: TrialPlayer, search: Promise<string>): Promise<string> {
  let final: string | null = null;
  let failed: unknown = null;
  search.then(
    (state) => {
      final = state;
    },
    (err) => {
      failed = err;
    },
  );
  for (let idle = 0; final === null && failed === null; ) {
    if (await player.step()) idle = 0;
    else if (++idle > 2000) throw new Error("the search stopped moving before it ended");
    else await new Promise((r) => setTimeout(r, 5));
  }
  if (failed) throw failed;
  return final!;
}

/**
 * Runs a search with runners that die at the given posts, each replaced by a
 * fresh runner with a fresh method; returns what the experiment did.
 */
async function search(
  deaths: { at: number; landed: boolean }[],
  method: () => SearchMethod = () => new Halving(),
) {
  const created = await tm.admin.post<{ id: number }>("/experiments", {
    config: customConfig(),
    workdir: "/tmp",
  });
  const id = created.body.id;
  const transport = injectTransport(tm, () => tm.adminToken);
  const player = new TrialPlayer(tm, loss);
  let runs = 0;
  const final = await playWhile(
    player,
    (async () => {
      for (const death of [...deaths, null]) {
        runs++;
        const t = death ? dying(transport, death.at, death.landed) : transport;
        const runner = new SearchRunner(method(), {
          experimentId: id,
          transport: t,
          waitSeconds: 0.05,
        });
        try {
          return await runner.run();
        } catch (err) {
          if (!(err instanceof Crash)) throw err;
        }
      }
      throw new Error("unreachable: the last runner does not die");
    })(),
  );
  const page = await tm.admin.get<{ events: { operations: unknown[] | null }[] }>(
    `/experiments/${id}/searcher/events?after=0`,
  );
  const operations = page.body.events.flatMap((e) => e.operations ?? []);
  return { final, runs, operations, trials: await summarize(tm, id) };
}

test("a trial's early exit reaches the method's onTrialExitedEarly, whose operations replace it", async () => {
  const created = await tm.admin.post<{ id: number }>("/experiments", {
    config: customConfig(),
    workdir: "/tmp",
  });
  const method = new Replacing();
  const runner = new SearchRunner(method, {
    experimentId: created.body.id,
    transport: injectTransport(tm, () => tm.adminToken),
    waitSeconds: 0.05,
  });
  const player = new TrialPlayer(tm, (t) => (Number(t.hparams.lr) > 0.05 ? Number.NaN : loss(t)));
  expect(await playWhile(player, runner.run())).toBe("COMPLETED");
  expect(method.exits).toEqual([[1, "INVALID_HP"]]);
  const trials = await summarize(tm, created.body.id);
  expect(trials.map((t) => [t.requestId, t.hparams.lr, t.lengths])).toEqual([
    [1, 0.09, []],
    [2, 0.01, [100]],
    [3, 0.02, [100]],
  ]);
});

/** A hyperparameter of 900 KB: two answers of it make more than a page of events. */
const BLOB = "b".repeat(900_000);

/** Six trials with large hyperparameters, one at a time after the first two; each closed after 100. */
class Large implements SearchMethod {
  initialOperations(state: SearchState): SearchOperation[] {
    return [...this.train(state), ...this.train(state)];
  }
  private train(state: SearchState): SearchOperation[] {
    const create = state.create({ lr: 0.01, layers: 2, opt: "adam", blob: BLOB });
    return [create, { type: "validateAfter", requestId: create.requestId, length: 100 }];
  }
  onTrialCreated(): SearchOperation[] {
    return [];
  }
  onValidationCompleted(state: SearchState, requestId: number): SearchOperation[] {
    const more = state.trialsCreated.size < 6 ? this.train(state) : [];
    return [{ type: "close", requestId }, ...more];
  }
  onTrialClosed(state: SearchState): SearchOperation[] {
    return state.trialsClosed.size === 6 ? [{ type: "shutdown" }] : [];
  }
  onTrialExitedEarly(): SearchOperation[] {
    return [];
  }
  progress(state: SearchState): number {
    return state.trialsClosed.size / 6;
  }
}

/** The events pages a transport's GETs were answered, and how many posts it sent. */
function recording(inner: Transport) {
  const pages: SearcherEventsResponse[] = [];
  let posts = 0;
  const transport: Transport = {
    async request(method, path, body, options) {
      if (method === "POST") posts++;
      const answer = await inner.request(method, path, body, options);
      if (method === "GET") pages.push(answer as SearcherEventsResponse);
      return answer;
    },
  };
  return { transport, pages, posts: () => posts };
}

test("a runner reads on past pages cut short by their size, and a fresh one replays them posting nothing", async () => {
  const config = customConfig();
  const created = await tm.admin.post<{ id: number }>("/experiments", {
    config: { ...config, hyperparameters: { ...config.hyperparameters, blob: BLOB } },
    workdir: "/tmp",
  });
  const experimentId = created.body.id;
  const inner = injectTransport(tm, () => tm.adminToken);
  const options = { experimentId, waitSeconds: 0.05 };
  const first = recording(inner);
  const runner = new SearchRunner(new Large(), { ...options, transport: first.transport });
  const final = await playWhile(new TrialPlayer(tm, loss), runner.run());
  expect(final).toBe("COMPLETED");
  const trials = await summarize(tm, experimentId);
  expect(trials.map((t) => [t.requestId, t.lengths])).toEqual(
    [1, 2, 3, 4, 5, 6].map((requestId) => [requestId, [100]]),
  );
  const replay = recording(inner);
  const again = new SearchRunner(new Large(), { ...options, transport: replay.transport });
  expect(await again.run()).toBe("COMPLETED");
  expect(replay.posts()).toBe(0);
  const pages = replay.pages.filter((p) => p.events.length > 0);
  expect(pages.filter((p) => p.truncated).length).toBeGreaterThanOrEqual(2);
  const stored = await tm.store.listSearcherEvents(experimentId);
  const read = pages.flatMap((p) => p.events.map((e) => e.id));
  expect(read).toEqual(stored.filter((r) => r.event.type !== "operationsPosted").map((r) => r.seq));
});

describe("SearchRunner", () => {
  let baseline: { operations: unknown[]; trials: TrialSummaryRow[] };

  beforeEach(async () => {
    if (!baseline) baseline = await search([]);
  });

  test("runs a SearchMethod to the end of the search", async () => {
    const { final, trials } = await search([]);
    expect(final).toBe("COMPLETED");
    expect(trials.map((t) => t.lengths)).toEqual([[100], [100], [100, 300, 1000], [100, 300]]);
    expect(trials.every((t) => t.state === "COMPLETED")).toBe(true);
  });

  for (const [at, landed] of [
    [1, false],
    [1, true],
    [2, true],
    [3, false],
    [4, true],
  ] as const) {
    test(`a runner that dies at post ${at} ${landed ? "after it landed" : "before sending it"} is replaced without repeating or losing an operation`, async () => {
      const run = await search([{ at, landed }]);
      expect(run.runs).toBe(2);
      expect(run.final).toBe("COMPLETED");
      expect(run.operations).toEqual(baseline.operations);
      expect(run.trials.map(({ state: _, ...t }) => t)).toEqual(
        baseline.trials.map(({ state: _, ...t }) => t),
      );
    });
  }

  test("a method whose operations hold a property set to undefined replays them as they were sent", async () => {
    // JSON leaves such a property out: the operations a replay decides again must compare equal.
    class Annotated extends Halving {
      override initialOperations(state: SearchState): SearchOperation[] {
        return super.initialOperations(state).map((op) => ({ ...op, note: undefined }));
      }
    }
    const run = await search([{ at: 2, landed: true }], () => new Annotated());
    expect(run.runs).toBe(2);
    expect(run.final).toBe("COMPLETED");
    expect(run.operations).toEqual(baseline.operations);
  });

  test("a method that decides differently on replay is stopped with a clear error", async () => {
    const created = await tm.admin.post<{ id: number }>("/experiments", {
      config: customConfig(),
      workdir: "/tmp",
    });
    const id = created.body.id;
    const transport = injectTransport(tm, () => tm.adminToken);
    await tm.admin.post(`/experiments/${id}/searcher/operations`, {
      lastEventId: 1,
      operations: [{ type: "create", requestId: 1, hparams: { lr: 0.05, layers: 1, opt: "sgd" } }],
    });
    const runner = new SearchRunner(new Halving(), { experimentId: id, transport, waitSeconds: 0 });
    await expect(runner.run()).rejects.toThrow(NondeterministicSearchError);
    await expect(runner.run()).rejects.toThrow("for event 1 (initialOperations)");
  });

  test("a hook that answers no list of operations is named in the error", async () => {
    const created = await tm.admin.post<{ id: number }>("/experiments", {
      config: customConfig(),
      workdir: "/tmp",
    });
    class Forgetful extends Halving {
      override initialOperations(): SearchOperation[] {
        return undefined as unknown as SearchOperation[]; // a JavaScript hook without `return []`
      }
    }
    const transport = injectTransport(tm, () => tm.adminToken);
    const runner = new SearchRunner(new Forgetful(), {
      experimentId: created.body.id,
      transport,
      waitSeconds: 0,
    });
    await expect(runner.run()).rejects.toThrow(
      "the search method's initialOperations answered undefined for event 1 (initialOperations): a hook returns a list of operations, [] for none",
    );
  });
});
