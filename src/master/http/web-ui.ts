/**
 * The web UI: the static files Vite builds into the package's `dist/web`,
 * served at `/`. Any GET that is not a file and not under `/api/` answers
 * index.html, so a reload on a client-side route works. Without a build, `/`
 * says how to make one. The API's auth hook guards only `/api/`, so these
 * files are public; the UI asks for a token itself.
 */
import { existsSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply } from "fastify";

/**
 * `<package>/dist/web`, found from this module: it runs as src/master/http
 * under tsx and vitest and as dist/master/http once built.
 */
export function defaultWebRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return join(dir, "dist", "web");
    const parent = dirname(dir);
    if (parent === dir) return join(dirname(fileURLToPath(import.meta.url)), "web");
    dir = parent;
  }
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>pushtune</title></head>
<body style="font-family: system-ui, sans-serif; margin: 3rem">
<h1>pushtune</h1>
<p>The web UI is not built. Run <code>npm run build</code> in the pushtune package, then reload.</p>
<p>The REST API is at <a href="/api/v1/openapi.json">/api/v1</a>.</p>
</body></html>
`;

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export async function registerWebUi(
  app: FastifyInstance,
  root: string = defaultWebRoot(),
): Promise<void> {
  const webRoot = resolve(root);
  // serve: false — only `reply.sendFile`; the route below decides what to send.
  await app.register(fastifyStatic, { root: webRoot, serve: false });

  const sendIndex = (reply: FastifyReply) => {
    if (!isFile(join(webRoot, "index.html")))
      return reply.type("text/html; charset=utf-8").send(NOT_BUILT);
    return reply.header("cache-control", "no-cache").sendFile("index.html", webRoot);
  };

  app.get("/*", { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    const pathname = request.url.split("?")[0] ?? "/";
    if (pathname.startsWith("/api/")) return reply.callNotFound();
    let file: string;
    try {
      file = resolve(webRoot, `.${decodeURIComponent(pathname)}`);
    } catch {
      return sendIndex(reply);
    }
    const rel = relative(webRoot, file);
    const inside = rel !== "" && !rel.startsWith("..") && !rel.startsWith(sep);
    if (!inside || rel === "index.html" || !isFile(file)) return sendIndex(reply);
    // Vite names assets by content hash: they never change under one name.
    const immutable = rel.startsWith(`assets${sep}`);
    return reply.sendFile(rel, webRoot, immutable ? { maxAge: "365d", immutable: true } : {});
  });
}
