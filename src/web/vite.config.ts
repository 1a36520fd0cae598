/**
 * The web UI's build: `vite build --config src/web/vite.config.ts` writes
 * static files to the package's dist/web, which the master serves at `/`.
 * `vite --config src/web/vite.config.ts` serves it live, passing /api to a
 * master on :8080.
 */
import { defineConfig } from "vite";

const here = decodeURIComponent(new URL(".", import.meta.url).pathname);

export default defineConfig({
  root: here,
  // Relative asset URLs: the UI works wherever the master mounts it.
  base: "./",
  publicDir: false,
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: `${here}../../dist/web`,
    emptyOutDir: true,
    target: "es2022",
    reportCompressedSize: false,
  },
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
});
