/**
 * Every trial process imports the SDK before its first batch, so what the
 * import loads is paid once per trial. The protocol's schema library is
 * hundreds of modules (about 0.3 s of CPU per process): the SDK checks the
 * master's answers by hand instead, and the fake master loads the schemas on
 * its first write only. The global fetch compiles undici on first use (about
 * 50 ms of CPU): the transport uses node:http.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { Value } from "typebox/value";
import { expect, test } from "vitest";
import {
  BestMetricResponse,
  EnvironmentResponse,
  NextTrialResponse,
  OperationResponse,
  PreemptionResponse,
} from "../../src/protocol/api/push.js";
import {
  isBestMetricResponse,
  isEnvironmentResponse,
  isNextTrialResponse,
  isOperationResponse,
  isPreemptionResponse,
} from "../../src/sdk/answers.js";
import { ensureSdkBuilt } from "../e2e/support/build.js";

const SDK = pathToFileURL(resolve(import.meta.dirname, "../../src/sdk/index.ts")).href;

/** The modules a fresh node process loads to run `code`, as URLs. */
async function modulesLoadedBy(code: string): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), "pushtune-imports-"));
  try {
    const log = join(dir, "loaded.txt");
    const hook = join(dir, "hook.mjs");
    await writeFile(
      hook,
      `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(${JSON.stringify(log)}, resolved.url + "\\n");
  return resolved;
}`,
    );
    const register = join(dir, "register.mjs");
    await writeFile(
      register,
      `import { register } from "node:module";
register(${JSON.stringify(pathToFileURL(hook).href)});`,
    );
    await writeFile(log, "");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "--import", register, "--input-type=module", "-e", code],
      { stdio: ["ignore", "inherit", "inherit"] },
    );
    const exitCode = await new Promise((done) => child.on("exit", done));
    expect(exitCode).toBe(0);
    return (await readFile(log, "utf8")).split("\n").filter(Boolean);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const fromTypebox = (url: string) => url.includes("/node_modules/typebox/");

test("importing the SDK loads no schema library; the fake master loads it on its first write", async () => {
  const imported = await modulesLoadedBy(`await import(${JSON.stringify(SDK)});`);
  expect(imported.some((url) => url.endsWith("/src/sdk/trainer.ts"))).toBe(true);
  expect(imported.filter(fromTypebox)).toEqual([]);

  const written = await modulesLoadedBy(`
const { FakeMaster } = await import(${JSON.stringify(SDK)});
const fm = new FakeMaster();
await fm.request("POST", "/trials/1/progress", { progress: 1 });
if (fm.events.length !== 1) throw new Error("the write was not accepted");`);
  expect(written.some(fromTypebox)).toBe(true);
});

test("a trial's `import … from \"pushtune\"` loads one built module, the fake master's checks a second", async () => {
  await ensureSdkBuilt();
  const ownFiles = (urls: string[]) =>
    urls.filter((url) => url.startsWith("file:") && !url.includes("/node_modules/"));
  const imported = await modulesLoadedBy(`await import("pushtune");`);
  expect(ownFiles(imported).map((url) => url.split("/dist/")[1])).toEqual(["sdk-bundle/index.js"]);

  const written = await modulesLoadedBy(`
const { FakeMaster } = await import("pushtune");
await new FakeMaster().request("POST", "/trials/1/progress", { progress: 1 });`);
  expect(ownFiles(written).map((url) => url.split("/dist/")[1])).toEqual([
    "sdk-bundle/index.js",
    "sdk-bundle/body-checks.js",
  ]);
});

test("the HTTP transport talks to the master without loading fetch (undici); the global fetch still fits", async () => {
  const dir = await mkdtemp(join(tmpdir(), "pushtune-transport-"));
  try {
    const script = join(dir, "requests.mts");
    await writeFile(
      script,
      `import { createServer } from "node:http";
import { HttpTransport } from ${JSON.stringify(SDK)};
const server = createServer((req, res) => res.end(JSON.stringify({ path: req.url })));
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const master = "http://127.0.0.1:" + server.address().port;
const own = await new HttpTransport({ master, token: "t" }).request("GET", "/own");
const loadedByOwn = process.moduleLoadList.some((m) => m.includes("undici"));
const viaFetch = await new HttpTransport({ master, token: "t", fetch }).request("GET", "/fetch");
server.close();
console.log(JSON.stringify({ own, loadedByOwn, viaFetch }));`,
    );
    const child = spawn(process.execPath, ["--import", "tsx", script], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    expect(await new Promise((done) => child.on("exit", done))).toBe(0);
    expect(JSON.parse(out)).toEqual({
      own: { path: "/api/v1/own" },
      loadedByOwn: false,
      viaFetch: { path: "/api/v1/fetch" },
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** Values near the schemas' shapes, and anything else JSON can hold. */
const answers = fc.oneof(
  fc.jsonValue(),
  fc.record({
    op: fc.oneof(
      fc.constant(null),
      fc.record({ length: fc.oneof(fc.integer(), fc.double(), fc.string()) }),
      fc.jsonValue(),
    ),
    completed: fc.oneof(fc.boolean(), fc.jsonValue()),
  }),
  fc.record({ preempt: fc.oneof(fc.boolean(), fc.jsonValue()) }, { requiredKeys: [] }),
  fc.record(
    { metric: fc.oneof(fc.constant(null), fc.double(), fc.integer(), fc.jsonValue()) },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      env: fc.oneof(
        fc.constant(null),
        fc.dictionary(fc.string(), fc.string()),
        fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.jsonValue())),
        fc.jsonValue(),
      ),
    },
    { requiredKeys: [] },
  ),
);

test.each([
  ["OperationResponse", OperationResponse, isOperationResponse],
  ["PreemptionResponse", PreemptionResponse, isPreemptionResponse],
  ["BestMetricResponse", BestMetricResponse, isBestMetricResponse],
  ["NextTrialResponse", NextTrialResponse, isNextTrialResponse],
  ["EnvironmentResponse", EnvironmentResponse, isEnvironmentResponse],
] as const)(
  "the SDK's check of %s accepts exactly what the protocol schema accepts",
  (_, schema, check) => {
    fc.assert(
      fc.property(answers, (answer) => check(answer) === Value.Check(schema, answer)),
      { numRuns: 2000 },
    );
    expect(check(Value.Create(schema))).toBe(true);
  },
);
