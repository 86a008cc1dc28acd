import { describe, expect } from "vitest";
import { Domain } from "../runtime/domain.ts";
import { dbTest } from "../test-support/fixtures.ts";
import { AppError } from "./app-error.ts";

// A pool of its own, of two connections, that the test's terminations keep emptying.
const test = dbTest.extend("smallDomain", { scope: "file" }, async ({ db }, { onCleanup }) => {
  const domain = await Domain.create({ clientUrl: db.appUrl, poolMax: 2 });
  onCleanup(() => domain.close());
  return domain;
});

const ctx = { workspaceId: null, actorId: null, actorType: "system" as const, correlationId: "terminated-test" };
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (err: unknown) => (err instanceof AppError ? err.code : `${(err as Error).constructor.name}: ${(err as Error).message}`),
  );

describe("an operation whose pooled connection the server terminates", () => {
  test("fails as UNAVAILABLE (retryable) whichever step meets the dead connection, and the next operation succeeds", async ({ db, smallDomain: domain, ownerSql: admin }) => {
    // Terminate the pool's backends while operations start on them: BEGIN, the scope statement or the
    // query meets the dead connection (knex then reports "Transaction query already complete").
    const seen: Record<string, number> = {};
    for (let i = 0; i < 40; i++) {
      const terminate = admin.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()", [db.name]);
      await new Promise((r) => setTimeout(r, i % 4));
      const results = await Promise.all([
        outcome(domain.run(ctx, (op) => op.em.execute("select 1"))),
        terminate.then(() => outcome(domain.run(ctx, (op) => op.em.execute("select 1")))),
      ]);
      for (const r of results) seen[r] = (seen[r] ?? 0) + 1;
    }
    expect(Object.keys(seen).filter((k) => k !== "ok" && k !== "UNAVAILABLE")).toEqual([]);
    expect(await outcome(domain.run(ctx, (op) => op.em.execute("select 1")))).toBe("ok");
  });
});
