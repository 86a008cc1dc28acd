import type pg from "pg";

import { tokenSessionVerdict, type UserTokenCheck } from "./token-session-rule.ts";

/** What an access token stands on: its user, its token_version and its session (`sid`). */
export interface TokenSession {
  userId: string;
  tokenVersion: number;
  sessionId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One round trip for any number of tokens: users and auth_sessions carry no workspace (no RLS),
 * so a plain autocommit query as the app role will do. The verdict is `tokenSessionVerdict`, the
 * same rule the API's `authenticateUser` applies.
 */
const CHECK_SQL = `select c.i, u.id is not null as user_found, u.deleted_at is not null as user_deleted, u.token_version,
       s.id is not null as session_found, s.revoked_at is not null as session_revoked
  from unnest($1::int[], $2::uuid[], $3::uuid[]) as c(i, user_id, session_id)
  left join users u on u.id = c.user_id
  left join auth_sessions s on s.id = c.session_id and s.user_id = u.id`;

interface CheckRow {
  i: number;
  user_found: boolean;
  user_deleted: boolean;
  token_version: number | null;
  session_found: boolean;
  session_revoked: boolean;
}

function verdict(row: CheckRow | undefined, tokenVersion: number): UserTokenCheck {
  return tokenSessionVerdict(
    row && {
      userFound: row.user_found,
      userDeleted: row.user_deleted,
      userTokenVersion: row.token_version,
      sessionFound: row.session_found,
      sessionRevoked: row.session_revoked,
    },
    tokenVersion,
  );
}

/** Check many tokens at once (the periodic recheck of every open socket); verdicts in input order. */
export async function checkTokenSessions(pool: pg.Pool, tokens: readonly TokenSession[]): Promise<UserTokenCheck[]> {
  const out: UserTokenCheck[] = [];
  const asked: { t: TokenSession; i: number }[] = [];
  tokens.forEach((t, i) => {
    // Ids that are not uuids name no user or session: refused without asking the database.
    if (!UUID.test(t.userId)) out[i] = "unknown_user";
    else if (!UUID.test(t.sessionId)) out[i] = "session_revoked";
    else {
      out[i] = "unknown_user";
      asked.push({ t, i });
    }
  });
  if (asked.length === 0) return out;
  const { rows } = await pool.query<CheckRow>(CHECK_SQL, [asked.map((a) => a.i), asked.map((a) => a.t.userId), asked.map((a) => a.t.sessionId)]);
  const byIndex = new Map(rows.map((r) => [r.i, r]));
  for (const { t, i } of asked) out[i] = verdict(byIndex.get(i), t.tokenVersion);
  return out;
}

/** One token (the handshake); the rule is `tokenSessionVerdict`. */
export async function checkUserToken(pool: pg.Pool, token: TokenSession): Promise<UserTokenCheck> {
  const [check] = await checkTokenSessions(pool, [token]);
  return check ?? "unknown_user";
}
