/**
 * The web UI: the static files Vite builds into the package's `dist/web`,
 * served at `/`. The UI routes by the URL's hash (`#/experiments/1`), so a
 * path URL that is not a file (`/experiments/1`, `/trials/32?x=1`) is
 * redirected to the same route as a hash, relative to the web root
 * (`../#/experiments/1`): a link or a bookmark written as a path opens its
 * page, and the UI still works wherever it is mounted. Without a build, `/`
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

/**
 * The hash route for a path URL, relative to the web root: `/experiments/1?x=1`
 * → `../#/experiments/1?x=1`. Always relative and everything after `#` is a
 * fragment, so it never leaves the master's origin.
 */
export function hashRoute(url: string): string {
  const [pathname = "/", ...rest] = url.split("?");
  const query = rest.length > 0 ? `?${rest.join("?")}` : "";
  const depth = pathname.split("/").length - 2;
  const up = depth > 0 ? "../".repeat(depth) : "./";
  return `${up}#${pathname}${query}`;
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
    if (pathname === "/" || rel === "index.html") return sendIndex(reply);
    if (!inside || !isFile(file)) return reply.redirect(hashRoute(request.url), 302);
    // Vite names assets by content hash: they never change under one name.
    const immutable = rel.startsWith(`assets${sep}`);
    return reply.sendFile(rel, webRoot, immutable ? { maxAge: "365d", immutable: true } : {});
  });
}
