/** The master serves the built UI at `/`, sends path URLs to their hash routes, and keeps JSON 404s under /api. */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, test } from "vitest";
import { installErrorHandling } from "../../src/master/http/errors.js";
import { defaultWebRoot, registerWebUi } from "../../src/master/http/web-ui.js";
import { startTestMaster, type TestMaster } from "../master/support/harness.js";

let dir: string;
let app: FastifyInstance | null = null;
let tm: TestMaster | null = null;
afterEach(async () => {
  await app?.close();
  await tm?.close();
  app = tm = null;
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function serve(files: Record<string, string>) {
  dir = await mkdtemp(join(tmpdir(), "pushtune-web-"));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  app = Fastify();
  installErrorHandling(app);
  await registerWebUi(app, dir);
  await app.ready();
  return app;
}

describe("serving the web UI", () => {
  test("the root answers index.html, files answer themselves", async () => {
    const a = await serve({
      "index.html": "<title>pushtune</title>",
      "assets/app-1234.js": "console.log(1)",
    });
    for (const url of ["/", "/index.html", "/?x=1"]) {
      const res = await a.inject({ url });
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe("<title>pushtune</title>");
      expect(res.headers["content-type"]).toMatch(/text\/html/);
    }
    const js = await a.inject({ url: "/assets/app-1234.js" });
    expect(js.statusCode).toBe(200);
    expect(js.body).toBe("console.log(1)");
    expect(js.headers["cache-control"]).toMatch(/immutable/);
  });

  test("a path URL is redirected to its hash route, relative to the web root", async () => {
    const a = await serve({ "index.html": "index" });
    const cases: [string, string][] = [
      ["/experiments/3", "../#/experiments/3"],
      ["/trials/9?x=1", "../#/trials/9?x=1"],
      ["/experiments", "./#/experiments"],
      ["/experiments/3/", "../../#/experiments/3/"],
      ["//evil.example/x", "../../#//evil.example/x"],
    ];
    for (const [url, location] of cases) {
      const res = await a.inject({ url });
      expect(res.statusCode, url).toBe(302);
      expect(res.headers.location, url).toBe(location);
    }
  });

  test("paths that climb out of the web root get index.html, never the file", async () => {
    const a = await serve({ "index.html": "index" });
    await writeFile(join(dir, "..", "pushtune-web-secret.txt"), "secret");
    try {
      for (const url of ["/../pushtune-web-secret.txt", "/%2e%2e/pushtune-web-secret.txt"]) {
        const res = await a.inject({ url });
        expect(res.body).not.toContain("secret");
      }
    } finally {
      await rm(join(dir, "..", "pushtune-web-secret.txt"), { force: true });
    }
  });

  test("unknown API paths still answer the JSON 404", async () => {
    const a = await serve({ "index.html": "index" });
    const res = await a.inject({ url: "/api/v1/nothing-here" });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });

  test("without a build, / says how to make one", async () => {
    const a = await serve({});
    const res = await a.inject({ url: "/" });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("npm run build");
  });

  test("the master serves the package's dist/web at / without a token, and still guards the API", async () => {
    tm = await startTestMaster();
    expect(defaultWebRoot()).toBe(join(process.cwd(), "dist", "web"));
    const page = await tm.app.inject({ url: "/" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toMatch(/text\/html/);
    const api = await tm.app.inject({ url: "/api/v1/experiments" });
    expect(api.statusCode).toBe(401);
    const missing = await tm.app.inject({
      url: "/api/v1/nothing-here",
      headers: { authorization: `Bearer ${tm.adminToken}` },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: "NOT_FOUND" } });
  });
});
