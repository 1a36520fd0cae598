/**
 * A YAML config nested past 32 levels, with a mapping or list as a key, with
 * a tag outside the YAML 1.2 core schema or a key written twice is an INVALID_CONFIG (400)
 * naming what and where, on every route that takes `configYaml`: nothing is
 * stored, and the YAML package prints no warning into the master's log.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { REFUSED_YAML } from "../protocol/support/refused-yaml.js";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
let sourceId: number;
beforeAll(async () => {
  tm = await startTestMaster({ slots: 1 });
  const src = await tm.admin.post<{ id: number }>("/experiments", {
    config: ashaConfig(),
    workdir: "/tmp",
    activate: false,
  });
  sourceId = src.body.id;
});
afterAll(async () => tm.close());

let printed: string[];
const onWarning = (w: Error) => printed.push(w.message);
beforeEach(() => {
  printed = [];
  process.on("warning", onWarning);
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: unknown) => {
    printed.push(String(chunk));
    return true;
  });
});
afterEach(() => {
  process.off("warning", onWarning);
  vi.restoreAllMocks();
});

type Err = {
  error: {
    code: string;
    message: string;
    details: { errors: { path: string; message: string }[] };
  };
};

describe.each(REFUSED_YAML)("a config with %s", (_name, configYaml, message) => {
  const expectRefused = (res: { status: number; body: Err }) => {
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("INVALID_CONFIG");
    const errors = res.body.error.details.errors;
    expect(errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message))).toEqual([message]);
  };

  test("is refused by POST /experiments, and nothing is stored or printed", async () => {
    const before = await tm.store.listExperiments();
    expectRefused(await tm.admin.post<Err>("/experiments", { configYaml, workdir: "/tmp" }));
    expect(await tm.store.listExperiments()).toEqual(before);
    await new Promise((resolve) => setImmediate(resolve));
    expect(printed).toEqual([]);
  });

  test("is refused by POST /searcher/preview", async () => {
    expectRefused(await tm.admin.post<Err>("/searcher/preview", { configYaml }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(printed).toEqual([]);
  });

  test("is refused by a fork", async () => {
    expectRefused(await tm.admin.post<Err>(`/experiments/${sourceId}/fork`, { configYaml }));
  });
});
