/**
 * The SDK as one module (`vite build --config src/sdk/vite.config.ts`): what
 * `import … from "pushtune"` loads. Every trial process imports it before its
 * first batch; as forty-odd files the import cost about 40 ms of CPU, mostly
 * resolving and reading them, and as one file about 16 ms. What only the fake
 * master loads, on first use, stays a separate chunk; node's built-ins and
 * the package's dependencies stay imports.
 */
import { defineConfig } from "vite";

const here = decodeURIComponent(new URL(".", import.meta.url).pathname);

export default defineConfig({
  publicDir: false,
  build: {
    ssr: `${here}index.ts`,
    outDir: `${here}../../dist/sdk-bundle`,
    emptyOutDir: true,
    target: "node20",
    minify: false,
    reportCompressedSize: false,
    rollupOptions: {
      output: { format: "es", entryFileNames: "index.js", chunkFileNames: "[name].js" },
    },
  },
});
