import { describe, expect } from "vitest";
import { AppError } from "../errors/app-error.ts";
import { Project } from "../modules/product/entities.ts";
import { Domain } from "../runtime/domain.ts";
import { newId } from "../shared/ids.ts";
import { dbTest as test } from "../test-support/fixtures.ts";
import { testKeyRing } from "../test-support/test-database.ts";
import { seedWorkspace, userCtx } from "../test-support/test-domain.ts";
import type { Operation } from "./operation.ts";

interface KnexLike {
  on(event: "query", listener: (q: { sql: string }) => void): void;
  off(event: "query", listener: (q: { sql: string }) => void): void;
}

/** The statements knex sends while `fn` runs. */
async function statementsOf(domain: Domain, fn: () => Promise<unknown>): Promise<string[]> {
  const knex = domain.orm.em.getConnection().getKnex() as unknown as KnexLike;
  const sql: string[] = [];
  const listener = (q: { sql: string }) => sql.push(q.sql);
  knex.on("query", listener);
  try {
    await fn();
    return sql;
  } finally {
    knex.off("query", listener);
  }
}

const createProject = (op: Operation, id = newId()) =>
  op.insertTogether(() => op.newRow(Project, { id, workspaceId: op.workspaceId, name: "tail", createdBy: op.ctx.actorId }));

// Values a literal must carry exactly: quotes, backslashes, knex's and pg's placeholders, a NUL-free unicode mix.
const AWKWARD = `it's a "test" \\ with ? and ?? and $1 and \\? and \n a newline, ünïcødé 🚀, E'\\x41'`;

describe("Operation.writeAtCommit", () => {
  test("sends nothing until the commit, then lands with it, its values exact", async ({ domain, systemSql }) => {
    const a = await seedWorkspace(domain, "wac1");
    const id = newId();
    await domain.run(userCtx(a.workspaceId, a.userId), async (op) => {
      await createProject(op, id);
      const sent = await statementsOf(domain, () => op.writeAtCommit("update projects set description = ? where id = ?", [AWKWARD, id]));
      expect(sent).toEqual([]);
    });
    const { rows } = await systemSql.query<{ description: string }>("select description from projects where id = $1", [id]);
    expect(rows[0]?.description).toBe(AWKWARD);
  });

  test("a deferred write that fails fails the operation with a typed error; nothing of it is committed, and the connection is clean", async ({ db, systemSql }) => {
    // One connection, so the operations after the failure run on the connection it used.
    const domain = await Domain.create({ clientUrl: db.appUrl, systemUrl: db.systemUrl, poolMax: 1, keyRing: testKeyRing() });
    try {
      const a = await seedWorkspace(domain, "wac2");
      const id = newId();
      const err = await domain
        .run(userCtx(a.workspaceId, a.userId), async (op) => {
          await createProject(op, id);
          // projects.name is NOT NULL: refused only when the COMMIT's query runs.
          await op.writeAtCommit("update projects set name = ? where id = ?", [null, id]);
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((await systemSql.query("select 1 from projects where id = $1", [id])).rowCount).toBe(0);
      // The same connection serves the next operations: not left inside the aborted transaction.
      for (let i = 0; i < 3; i++) {
        const next = newId();
        await domain.run(userCtx(a.workspaceId, a.userId), async (op) => {
          await createProject(op, next);
          await op.writeAtCommit("update projects set description = ? where id = ?", [`after ${i}`, next]);
        });
        const { rows } = await systemSql.query<{ description: string }>("select description from projects where id = $1", [next]);
        expect(rows[0]?.description).toBe(`after ${i}`);
      }
    } finally {
      await domain.close();
    }
  });

  test("an operation that throws after deferring a write commits neither", async ({ domain, systemSql }) => {
    const a = await seedWorkspace(domain, "wac3");
    const id = newId();
    const err = await domain
      .run(userCtx(a.workspaceId, a.userId), async (op) => {
        await createProject(op, id);
        await op.writeAtCommit("update projects set description = ? where id = ?", ["never", id]);
        throw AppError.badRequest("changed my mind", [{ path: "x", message: "no" }]);
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "BAD_REQUEST" });
    expect((await systemSql.query("select 1 from projects where id = $1", [id])).rowCount).toBe(0);
  });

  test("inside a savepoint it runs at once and rolls back with the savepoint", async ({ domain, systemSql }) => {
    const a = await seedWorkspace(domain, "wac4");
    const id = newId();
    await domain.run(userCtx(a.workspaceId, a.userId), async (op) => {
      await createProject(op, id);
      await op
        .savepoint(async (inner) => {
          const sent = await statementsOf(domain, () => inner.writeAtCommit("update projects set description = ? where id = ?", ["from the savepoint", id]));
          expect(sent).toHaveLength(1);
          throw new Error("roll the savepoint back");
        })
        .catch(() => undefined);
      // The same through the outer operation, while the savepoint runs: not deferred past its rollback either.
      await op
        .savepoint(async () => {
          await op.writeAtCommit("update projects set name = ? where id = ?", ["from outside the savepoint", id]);
          throw new Error("roll the savepoint back");
        })
        .catch(() => undefined);
    });
    const { rows } = await systemSql.query<{ description: string; name: string }>("select description, name from projects where id = $1", [id]);
    expect(rows[0]).toEqual({ description: "", name: "tail" });
  });

  test("numbers land typed by their column, negative ones included", async ({ domain, systemSql }) => {
    const a = await seedWorkspace(domain, "wac6");
    const id = newId();
    await domain.run(userCtx(a.workspaceId, a.userId), async (op) => {
      await createProject(op, id);
      await op.writeAtCommit("update projects set description = ? || '|' || ?::text where id = ?", [-1, 2.5, id]);
    });
    const { rows } = await systemSql.query<{ description: string }>("select description from projects where id = $1", [id]);
    expect(rows[0]?.description).toBe("-1|2.5");
  });

  test("refuses a parameter count that does not match its placeholders, before anything is sent", async ({ domain }) => {
    const a = await seedWorkspace(domain, "wac5");
    const err = await domain
      .run(userCtx(a.workspaceId, a.userId), (op) => op.writeAtCommit("update projects set description = ? where id = ?", ["only one"]))
      .catch((e: unknown) => e);
    expect(String((err as Error).message)).toMatch(/1 parameters for 2 placeholders/);
  });
});
