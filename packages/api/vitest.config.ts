import { defineConfig } from "vitest/config";

// File-scoped fixtures (a database, the harness, seeded accounts) are built inside the first test that
// asks for them, so the test timeout covers that setup too (it was the hook timeout under beforeAll).
export default defineConfig({
  test: { include: ["src/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 60_000, pool: "forks" },
});
