import { randomUUID } from "node:crypto";
import pg from "pg";

/** Insert a user and `count` workspaces as the owner role; returns the workspace ids. */
export async function seedWorkspaces(ownerUrl: string, count = 1): Promise<string[]> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const userId = randomUUID();
    await client.query("insert into users (id, email, password_hash, display_name) values ($1, $2, 'x', 'Test')", [
      userId,
      `${userId}@test.local`,
    ]);
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const id = randomUUID();
      await client.query("insert into workspaces (id, name, slug, created_by) values ($1, $2, $3, $4)", [id, `W${i}`, `w-${id}`, userId]);
      ids.push(id);
    }
    return ids;
  } finally {
    await client.end();
  }
}
