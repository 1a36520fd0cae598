/**
 * Ids in paths are positive decimal integers on every route that takes one
 * (read from the OpenAPI document, so a new route is covered at once): any
 * other spelling is a 400, never another trial's or experiment's answer.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ashaConfig } from "./support/configs.js";
import { startTestMaster, type TestMaster } from "./support/harness.js";

let tm: TestMaster;
let routes: { method: string; path: string }[];

beforeAll(async () => {
  tm = await startTestMaster({ slots: 2 });
  await tm.admin.post("/experiments", { config: ashaConfig(), workdir: "/tmp" });
  await tm.settle();
  type Op = { parameters?: { name: string; in: string; schema: { type?: string } }[] };
  const doc = (await tm.admin.get<{ paths: Record<string, Record<string, Op>> }>("/openapi.json"))
    .body;
  // Allocation ids are opaque strings; experiment, trial and user ids are integers.
  routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([, op]) =>
        op.parameters?.some(
          (p) => p.in === "path" && p.name === "id" && p.schema.type === "integer",
        ),
      )
      .map(([method]) => ({ method, path })),
  );
});
afterAll(async () => tm.close());

const badIds = [
  "1.5",
  "0x10",
  "010",
  "1e1",
  "0",
  "-1",
  "+1",
  "%201",
  "1%20",
  "Infinity",
  "2147483648",
];

describe("an id that is not a positive decimal integer is a 400", () => {
  test("the routes with an id in their path are found", () => {
    expect(routes.length).toBeGreaterThan(15);
  });

  test.each(badIds)("id %s on every route", async (id) => {
    for (const { method, path } of routes) {
      const res = await tm.app.inject({
        method: method.toUpperCase() as "GET",
        url: path.replace("{id}", id),
        headers: { authorization: `Bearer ${tm.adminToken}` },
      });
      expect(res.statusCode, `${method} ${path} with id ${id}: ${res.body}`).toBe(400);
      expect(res.json().error.code).toBe("BAD_REQUEST");
    }
  });

  test("a decimal id still finds its trial", async () => {
    const res = await tm.admin.get<{ id: number }>("/trials/1");
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(1);
  });
});
