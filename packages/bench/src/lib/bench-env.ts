import { randomBytes } from "node:crypto";
import pg from "pg";
import { createTestDatabase, type TestDatabase } from "@spine/testing";
import { newId } from "@spine/domain";

/** A fresh migrated database with one user and `workspaces` workspaces, plus a random NATS prefix. */
export interface BenchEnv {
  db: TestDatabase;
  userId: string;
  /** A live auth session of the user: the gateway refuses tokens of unknown or revoked sessions. */
  sessionId: string;
  workspaceIds: string[];
  runId: string;
  natsUrl: string;
  close(): Promise<void>;
}

export async function createBenchEnv(workspaces: number, natsUrl = process.env.NATS_URL ?? "nats://127.0.0.1:4222"): Promise<BenchEnv> {
  const db = await createTestDatabase("bench");
  const owner = new pg.Client({ connectionString: db.ownerUrl });
  await owner.connect();
  const userId = newId();
  const sessionId = newId();
  const workspaceIds: string[] = [];
  try {
    await owner.query("begin");
    await owner.query("insert into users (id, email, password_hash, display_name) values ($1, $2, 'x', 'Bench')", [userId, `bench-${userId}@spine.dev`]);
    await owner.query("insert into auth_sessions (id, user_id, refresh_token_hash, expires_at) values ($1, $2, 'bench', now() + interval '1 day')", [sessionId, userId]);
    for (let i = 0; i < workspaces; i++) {
      const ws = newId();
      workspaceIds.push(ws);
      const role = newId();
      await owner.query("insert into workspaces (id, name, slug, created_by) values ($1, $2, $3, $4)", [ws, `bench ${i}`, `bench-${ws}`, userId]);
      await owner.query("insert into roles (id, workspace_id, key, name, permissions, built_in) values ($1, $2, 'owner', 'Owner', '{*}', true)", [role, ws]);
      await owner.query("insert into workspace_memberships (id, workspace_id, user_id, role_id) values ($1, $2, $3, $4)", [newId(), ws, userId, role]);
    }
    await owner.query("commit");
  } finally {
    await owner.end();
  }
  return { db, userId, sessionId, workspaceIds, runId: randomBytes(4).toString("hex"), natsUrl, close: () => db.drop() };
}

/**
 * Before a timed phase: `VACUUM ANALYZE` (fresh statistics and visibility maps, as a settled production
 * table would have) and `CHECKPOINT` (no checkpoint of the loading phase lands inside the measurement).
 */
export async function settleDatabase(ownerUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query("vacuum analyze");
    await client.query("checkpoint");
  } finally {
    await client.end();
  }
}
