import { randomUUID } from "node:crypto";
import pg from "pg";

export interface SeededUser {
  id: string;
  email: string;
}

/** Rows written directly as the database owner: users, workspaces, roles, memberships. */
export class TenancySeed {
  constructor(private readonly owner: pg.Pool) {}

  static connect(ownerUrl: string): TenancySeed {
    const pool = new pg.Pool({ connectionString: ownerUrl, max: 3 });
    // pool.end() resolves while its clients' sockets may still be closing; the database drop
    // (with force) then terminates them, which an unhandled pool error would turn into a crash.
    pool.on("error", () => undefined);
    return new TenancySeed(pool);
  }

  async user(label = "user"): Promise<SeededUser> {
    const id = randomUUID();
    const email = `${label}-${id.slice(0, 8)}@example.test`;
    await this.owner.query("insert into users (id, email, password_hash, display_name) values ($1, $2, 'x', $3)", [id, email, label]);
    return { id, email };
  }

  /** A workspace with a `member` role; the creator is not made a member. */
  async workspace(createdBy: string): Promise<string> {
    const id = randomUUID();
    await this.owner.query("insert into workspaces (id, name, slug, created_by) values ($1, $2, $3, $4)", [id, `ws ${id.slice(0, 8)}`, `ws-${id}`, createdBy]);
    await this.owner.query("insert into roles (id, workspace_id, key, name, built_in) values ($1, $2, 'member', 'Member', true)", [randomUUID(), id]);
    return id;
  }

  async addMember(workspaceId: string, userId: string): Promise<string> {
    const membershipId = randomUUID();
    await this.owner.query(
      "insert into workspace_memberships (id, workspace_id, user_id, role_id) select $1, $2, $3, id from roles where workspace_id = $2 and key = 'member'",
      [membershipId, workspaceId, userId],
    );
    return membershipId;
  }

  async removeMember(workspaceId: string, userId: string): Promise<void> {
    await this.owner.query("delete from workspace_memberships where workspace_id = $1 and user_id = $2", [workspaceId, userId]);
  }

  async deleteWorkspace(workspaceId: string): Promise<void> {
    await this.owner.query("update workspaces set deleted_at = now() where id = $1", [workspaceId]);
  }

  /** A signed-in session of the user, as the API's signIn creates it; its id is the tokens' `sid`. */
  async session(userId: string): Promise<string> {
    const id = randomUUID();
    await this.owner.query("insert into auth_sessions (id, user_id, refresh_token_hash, expires_at) values ($1, $2, 'x', now() + interval '1 day')", [id, userId]);
    return id;
  }

  /** Sign one session out as the API's signOut does: revoked_at set, token_version untouched. */
  async signOut(sessionId: string): Promise<void> {
    await this.owner.query("update auth_sessions set revoked_at = now() where id = $1", [sessionId]);
  }

  async bumpTokenVersion(userId: string): Promise<void> {
    await this.owner.query("update users set token_version = token_version + 1 where id = $1", [userId]);
  }

  close(): Promise<void> {
    return this.owner.end();
  }
}
