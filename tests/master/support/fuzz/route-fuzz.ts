/**
 * The route fuzz suite, run once per store: property-based requests against
 * every route of the master's OpenAPI document (so a new route is covered
 * the day it is added), with valid tokens so that requests get past auth.
 * Each case is a valid request from the route's schemas, then usually broken
 * at one place (a wrong type, a number past any bound, a NUL, nesting
 * thousands deep, a prototype key, a missing or unknown field). The
 * property: never a 5xx, every 4xx a typed error body, never an answer
 * slower than 2 s; afterwards the database passes an integrity check and
 * everything in it can still be read.
 *
 * Seeded: set PUSHTUNE_FUZZ_SEED to replay a run (the seed is printed on
 * failure) and PUSHTUNE_FUZZ_RUNS for the number of cases.
 */
import Database from "better-sqlite3";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { stringify } from "yaml";
import { hashToken, newSecret } from "../../../../src/master/app/tokens.js";
import { ashaConfig } from "../configs.js";
import { startTestMaster, type TestMaster } from "../harness.js";
import { breakAt, breakage, toJson, wrongValue } from "./breakage.js";
import { type Hints, type JsonSchema, schemaArbitrary } from "./schema-arbitrary.js";

interface Parameter {
  in: "path" | "query";
  name: string;
  schema: JsonSchema;
}
interface Operation {
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { content: { "application/json": { schema: JsonSchema } } };
}
interface Route {
  method: string;
  path: string;
  op: Operation;
}
interface Case {
  route: { method: string; path: string };
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  token: "admin" | "trial";
}

const RUNS = Number(process.env.PUSHTUNE_FUZZ_RUNS ?? 3000);
const SEED = Number(process.env.PUSHTUNE_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const HANG_MS = 2000;

/** An id path parameter that names a running trial (or its experiment), chosen when the case is sent. */
const RUNNING = "running";

/**
 * A search small enough that creating it costs little, ranked by a metric
 * named like an Object.prototype member: reports without it must be handled
 * like reports without any other searcher metric.
 */
const smallConfig = ashaConfig(
  {},
  { metric: "constructor", max_trials: 3, num_rungs: 2, max_concurrent_trials: 2 },
);

/** Text a path parameter or query value may arrive as when it is wrong. */
const wrongText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "1.5",
    "0x10",
    "010",
    "-1",
    "0",
    "1e23",
    "\u0000",
    "a\u0000b",
    "",
    " 1",
    "__proto__",
  ),
  wrongValue.map((v) => (typeof v === "string" ? v : toJson(v))),
);

function hintsFor(ids: { allocations: string[]; uuids: string[] }): Hints {
  const config = fc.oneof(
    fc.constant(smallConfig),
    breakage.map((b) => breakAt(smallConfig, b)),
  );
  return {
    // Long polls answer at once or nearly: a valid wait is never what hangs.
    waitSeconds: fc.constantFrom(0, 0.01),
    timeoutSeconds: fc.constantFrom(0, 0.01),
    config,
    configYaml: fc.oneof(
      config.map((c) => stringify(c)),
      fc.constantFrom("entrypoint: [", ""),
    ),
    workdir: fc.constantFrom("/tmp", "relative", ""),
    uuid: fc.constantFrom(...ids.uuids, "fuzz-checkpoint-0001"),
    // The allocation path parameter.
    id: fc.constantFrom(...ids.allocations),
  };
}

function caseArbitrary(route: Route, hints: Hints): fc.Arbitrary<Case> {
  const parameters = route.op.parameters ?? [];
  const push = route.op.tags?.includes("push") ?? false;
  const value = (p: Parameter) => {
    // Integer ids are small, so that most name a row that exists; allocation ids come from the hints.
    const hint =
      p.schema.type === "string" || p.in === "query"
        ? hints[p.name]
        : fc.oneof(
            { weight: 3, arbitrary: fc.constant(RUNNING) },
            { weight: 2, arbitrary: fc.integer({ min: 1, max: 40 }) },
            { weight: 1, arbitrary: schemaArbitrary(p.schema) },
          );
    return (hint ?? schemaArbitrary(p.schema)).map((v) => String(v));
  };
  const part = (where: "path" | "query") =>
    fc.record(
      Object.fromEntries(parameters.filter((p) => p.in === where).map((p) => [p.name, value(p)])),
    ) as fc.Arbitrary<Record<string, string>>;
  const bodySchema = route.op.requestBody?.content["application/json"].schema;
  const body = bodySchema ? schemaArbitrary(bodySchema, hints) : fc.constant(undefined);
  type Request = { params: Record<string, string>; query: Record<string, string>; body: unknown };
  const valid: fc.Arbitrary<Request> = fc.record({
    params: part("path"),
    query: part("query"),
    body,
  });
  const textBreak = (r: Record<string, string>, key: number, text: string) => {
    const keys = Object.keys(r);
    return keys.length === 0 ? r : { ...r, [keys[key % keys.length]!]: text };
  };
  const broken = fc
    .tuple(valid, fc.constantFrom("params", "query", "body"), breakage, fc.nat(), wrongText)
    .map(
      ([v, where, b, key, text]): Request =>
        where === "params"
          ? { ...v, params: textBreak(v.params, key, text) }
          : where === "query"
            ? { ...v, query: textBreak(v.query, key, text) }
            : { ...v, body: breakAt(v.body, b) },
    );
  return fc
    .record({
      route: fc.constant({ method: route.method, path: route.path }),
      request: fc.oneof({ weight: 1, arbitrary: valid }, { weight: 3, arbitrary: broken }),
      // Push calls take a trial's token, the rest a user's; now and then the other one.
      token: fc.oneof(
        { weight: push ? 4 : 1, arbitrary: fc.constant("trial" as const) },
        { weight: push ? 1 : 6, arbitrary: fc.constant("admin" as const) },
      ),
    })
    .map(({ route, request, token }) => ({ route, token, ...request }));
}

function url(c: Case): string {
  const path = c.route.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    name === "*" ? (c.params[name] ?? "") : encodeURIComponent(c.params[name] ?? ""),
  );
  const query = new URLSearchParams(c.query).toString();
  return query ? `${path}?${query}` : path;
}

export function describeRouteFuzz(db: "sqlite" | "postgres"): void {
  let tm: TestMaster;
  let routes: Route[];
  let firstTrialToken: string;
  let hints: Hints;

  beforeAll(async () => {
    tm = await startTestMaster({ db, slots: 2 });
    await tm.admin.post("/experiments", { config: smallConfig, workdir: "/tmp" });
    await tm.settle();
    const spec = [...tm.launcher.live.values()][0]!;
    firstTrialToken = spec.env.PUSHTUNE_TOKEN!;
    const uuid = "fuzz-checkpoint-0001";
    await tm.as(firstTrialToken).post("/checkpoints", {
      uuid,
      trialId: spec.trialId,
      stepsCompleted: 10,
      resources: { "a.bin": 3 },
      metadata: {},
    });
    // The preview runs in a worker thread whose first start is slow on a loaded machine: start
    // it here, so that a hang the fuzz reports is the route's, not the thread's start.
    await tm.admin.post("/searcher/preview", { config: smallConfig });
    hints = hintsFor({
      allocations: [...tm.launcher.live.values()].map((s) => s.allocationId),
      uuids: [uuid],
    });
    const doc = (
      await tm.admin.get<{ paths: Record<string, Record<string, Operation>> }>("/openapi.json")
    ).body;
    routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
    );
  });
  afterAll(async () => tm?.close());

  /**
   * The token of a running trial: the one the path names if it runs, else
   * any. Cases kill and delete experiments; when no trial is left, a new
   * experiment starts some, so that trial calls keep getting past auth.
   */
  async function trialToken(c: Case): Promise<string> {
    const live = await running();
    const own = live.find(
      (s) => String(s.trialId) === c.params.id || s.allocationId === c.params.id,
    );
    return (own ?? live[0])?.env.PUSHTUNE_TOKEN ?? firstTrialToken;
  }

  /**
   * Trials whose allocation is current. A process whose allocation has ended
   * (told to exit: `next_trial` answered none) exits here, as it would. When
   * no trial is left, a new experiment starts some.
   */
  async function running() {
    const current = async () => {
      const specs = [...tm.launcher.live.values()];
      const rows = await Promise.all(specs.map((s) => tm.store.getAllocation(s.allocationId)));
      const ended = specs.filter((_, i) => !rows[i] || rows[i]!.state === "TERMINATED");
      for (const s of ended) tm.launcher.exit(s.allocationId, { exitCode: 0 });
      if (ended.length > 0) await tm.settle();
      return specs.filter((s) => !ended.includes(s));
    };
    let live = await current();
    if (live.length === 0) {
      await tm.admin.post("/experiments", { config: smallConfig, workdir: "/tmp" });
      await tm.settle();
      live = await current();
    }
    return live;
  }

  /** The case with a RUNNING id replaced by a running trial's (or its experiment's) id. */
  async function resolved(c: Case): Promise<Case> {
    if (c.params.id !== RUNNING) return c;
    const [spec] = await running();
    const id = c.route.path.startsWith("/api/v1/experiments/") ? spec?.experimentId : spec?.trialId;
    return { ...c, params: { ...c.params, id: String(id ?? 1) } };
  }

  /**
   * A fresh admin token per case: a case may be a logout, which revokes the
   * token it is made with, and the checks afterwards need the harness's own.
   */
  async function adminToken(): Promise<string> {
    const admin = await tm.store.getUserByName("admin");
    const token = newSecret();
    await tm.store.addUserToken(admin!.id, hashToken(token), null);
    return token;
  }

  async function send(unresolved: Case) {
    const c = await resolved(unresolved);
    const payload = c.body === undefined ? undefined : toJson(c.body);
    const token = c.token === "admin" ? await adminToken() : await trialToken(c);
    const answer = tm.app.inject({
      method: c.route.method as "GET",
      url: url(c),
      headers: {
        authorization: `Bearer ${token}`,
        ...(payload === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(payload === undefined ? {} : { payload }),
    });
    let timer: NodeJS.Timeout | undefined;
    const hang = new Promise<"hang">((resolve) => {
      timer = setTimeout(() => resolve("hang"), HANG_MS);
    });
    const res = await Promise.race([answer, hang]).finally(() => clearTimeout(timer));
    return { res, c };
  }

  describe(`on ${db}, requests built from the OpenAPI document and then broken`, () => {
    test("cover every route the document lists", () => {
      expect(routes.length).toBeGreaterThanOrEqual(30);
    });

    test(`never get a 5xx or hang (seed ${SEED}, ${RUNS} cases)`, async () => {
      const statuses = new Map<number, number>();
      const cases = fc.oneof(...routes.map((r) => caseArbitrary(r, hints)));
      try {
        await fc.assert(
          fc.asyncProperty(cases, async (generated) => {
            const { res, c } = await send(generated);
            const what = `${c.route.method} ${url(c)} ${c.body === undefined ? "" : toJson(c.body).slice(0, 300)}`;
            if (res === "hang") throw new Error(`no answer within ${HANG_MS} ms: ${what}`);
            statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
            if (res.statusCode >= 500)
              throw new Error(`${res.statusCode} for ${what}: ${res.body}`);
            if (res.statusCode >= 400) {
              const error = res.json().error as { code?: unknown; message?: unknown };
              if (typeof error?.code !== "string" || typeof error.message !== "string")
                throw new Error(`untyped ${res.statusCode} for ${what}: ${res.body}`);
            }
          }),
          { numRuns: RUNS, seed: SEED, endOnFailure: true, includeErrorInReport: true },
        );
        console.log(
          `${db} route fuzz, answers by status: ${JSON.stringify(Object.fromEntries(statuses))}`,
        );
      } catch (err) {
        throw new Error(
          `route fuzz failed; replay with PUSHTUNE_FUZZ_SEED=${SEED}\n${(err as Error).stack}`,
        );
      }
    }, 120_000);

    test("the database passes an integrity check afterwards, and everything in it can be read", async () => {
      if (db === "sqlite") {
        const file = new Database(tm.dbUrl, { readonly: true });
        try {
          expect(file.pragma("integrity_check")).toEqual([{ integrity_check: "ok" }]);
          expect(file.pragma("foreign_key_check")).toEqual([]);
        } finally {
          file.close();
        }
      }
      const list = await tm.admin.get<{ experiments: { id: number }[] }>("/experiments");
      expect(list.status).toBe(200);
      for (const { id } of list.body.experiments) {
        for (const path of [
          "",
          "/trials",
          "/checkpoints",
          "/validations",
          "/validation-columns",
          "/rungs",
        ])
          expect(
            (await tm.admin.get(`/experiments/${id}${path}`)).status,
            `experiment ${id}${path}`,
          ).toBe(200);
        const trials = await tm.admin.get<{ trials: { id: number }[] }>(
          `/experiments/${id}/trials`,
        );
        for (const t of trials.body.trials)
          for (const path of ["", "/metrics", "/logs", "/checkpoints"])
            expect(
              (await tm.admin.get(`/trials/${t.id}${path}`)).status,
              `trial ${t.id}${path}`,
            ).toBe(200);
      }
      const fresh = await tm.admin.post<{ id: number }>("/experiments", {
        config: smallConfig,
        workdir: "/tmp",
      });
      expect(fresh.status).toBe(201);
      expect(
        (await tm.admin.get<{ name: string }>(`/experiments/${fresh.body.id}`)).body.name,
      ).toBe("asha-test");
    });
  });
}
