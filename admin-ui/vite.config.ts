// Two pages from one build: the trader dashboard (index.html, served at /) and
// the operator console (admin.html, served at /admin). Hashed assets go under
// /assets/, which the kernel serves with a year-long immutable cache.
import { defineConfig } from "vitest/config";

export default defineConfig({
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    rollupOptions: {
      input: {
        trader: new URL("./index.html", import.meta.url).pathname,
        admin: new URL("./admin.html", import.meta.url).pathname,
      },
    },
  },
  server: {
    // `npm run dev` against a kernel on :8080
    proxy: { "/api": { target: "http://127.0.0.1:8080", ws: true } },
  },
  test: {
    include: ["tests/unit/**/*.test.ts"],
    environment: "node",
  },
});
