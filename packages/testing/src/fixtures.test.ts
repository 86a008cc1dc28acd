import { RetentionPolicy } from "@nats-io/jetstream";
import { describe, expect } from "vitest";
import { dbTest, deleteStreamsOf, natsTest } from "./fixtures.ts";

describe("dbTest", () => {
  dbTest("gives one migrated database, a Domain on it and a system-role client, shared by the file", async ({ db, domain, systemSql }) => {
    const { rows } = await systemSql.query<{ db: string; role: string }>("select current_database() as db, current_user as role");
    expect(rows[0]).toEqual({ db: db.name, role: "spine_system" });
    expect((await systemSql.query("select 1 from workspaces")).rowCount).toBe(0);
    const answer = await domain.run({ workspaceId: null, actorId: null, actorType: "system", correlationId: "fixture" }, async (op) =>
      op.em.getConnection().execute<{ n: number }[]>("select 1 as n"),
    );
    expect(answer).toEqual([{ n: 1 }]);
  });

  dbTest("hands the same database to the next test of the file", async ({ db, systemSql }) => {
    expect((await systemSql.query<{ db: string }>("select current_database() as db")).rows[0]?.db).toBe(db.name);
  });
});

describe("natsTest", () => {
  natsTest("fresh names per file; deleteStreamsOf removes every stream carrying the suffix", async ({ natsNames, jsm }) => {
    expect(natsNames.stream).toContain(natsNames.suffix.toUpperCase());
    await jsm.streams.add({ name: natsNames.stream, subjects: [`${natsNames.prefix}.>`] });
    const jobs = `JOBS_${natsNames.suffix}`.toUpperCase();
    await jsm.streams.add({ name: jobs, subjects: [`job_${natsNames.suffix}.>`], retention: RetentionPolicy.Workqueue });
    expect((await deleteStreamsOf(jsm, natsNames.suffix)).sort()).toEqual([natsNames.stream, jobs].sort());
    await expect(jsm.streams.info(natsNames.stream)).rejects.toThrow();
  });
});
