import { defineConfig } from "vitest/config";

// The browser tests start the apps, a vite server and one Chromium for the whole file.
export default defineConfig({
  test: { include: ["src/**/*.test.ts"], testTimeout: 60_000, hookTimeout: 180_000, pool: "forks" },
});
