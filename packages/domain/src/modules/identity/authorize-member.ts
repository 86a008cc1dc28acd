import type { EntityDictionary, EntityName, Primary } from "@mikro-orm/core";
import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { accessStatusOf, refuseInactive, type GateRow } from "../governance/assert-access-active.ts";
import { rememberUsagePolicies, type UsagePolicyRule } from "../governance/usage-policies.ts";
import { CLAIM_IDEMPOTENCY_KEY, claimParams, type IdempotencyKeyClaim } from "../ops/claim-idempotency-key.ts";
import { refuseStaleSession, type SessionClaims } from "./authenticate-session.ts";
import { Role, Workspace, WorkspaceMembership } from "./entities.ts";
import type { TPermission } from "./permissions.ts";

export interface WorkspaceAccess {
  workspace: Workspace;
  membership: WorkspaceMembership;
  role: Role;
}

export interface CallerCheck {
  permission: TPermission;
  /** A deleted workspace is still found (restoring it, reading its trail). */
  allowDeletedWorkspace?: boolean;
  /** Verified access-token claims: the user, its token version and its session are checked in the same statement. */
  session?: SessionClaims;
  /** The access gate (writes): ACCESS_INACTIVE unless the workspace's access is active. */
  gate?: boolean;
  /** An Idempotency-Key to claim in the same statement; settle it with `settleIdempotencyKey`. */
  idempotency?: IdempotencyKeyClaim;
}

export interface AuthorizedCall extends WorkspaceAccess {
  /** The idempotency row this statement inserted (the key is ours), or null when it was not claimed here. */
  claimedKeyId: string | null;
}

interface CallerRow {
  claimed_id: string | null;
  user_found: boolean;
  token_version: number | null;
  session_id: string | null;
  session_revoked_at: Date | null;
  membership: Record<string, unknown> | null;
  workspace: (Record<string, unknown> & { deleted_at: string | null }) | null;
  role: (Record<string, unknown> & { key: string; permissions: string[] }) | null;
  gate_found: boolean;
  gate_state: GateRow["state"] | null;
  gate_reason: string | null;
  gate_expires_at: Date | null;
  gate_next_transition_at: Date | null;
  policies: UsagePolicyRule[];
}

/**
 * The whole authorization of a call in one statement: the caller's user and session (when asked), its
 * membership, the workspace (deleted ones too), the role, the access gate's row and the workspace's
 * usage policies, and, when asked, the Idempotency-Key claim (an insert that rolls back with the
 * transaction if any check below refuses the call). Row-level security scopes the tenant tables to the
 * operation's workspace; users and sessions carry none.
 */
function callerStatement(withSession: boolean, withClaim: boolean): string {
  return `${withClaim ? `with claim as (${CLAIM_IDEMPOTENCY_KEY}) ` : ""}select
  ${withClaim ? "(select id from claim)" : "null::uuid"} as claimed_id,
  ${withSession ? `u.id is not null as user_found, u.token_version, s.id as session_id, s.revoked_at as session_revoked_at` : `false as user_found, null::int as token_version, null::uuid as session_id, null::timestamptz as session_revoked_at`},
  to_jsonb(m) as membership, to_jsonb(w) as workspace, to_jsonb(r) as role,
  a.workspace_id is not null as gate_found, a.state as gate_state, a.reason as gate_reason,
  a.expires_at as gate_expires_at, a.next_transition_at as gate_next_transition_at,
  coalesce((select jsonb_agg(jsonb_build_object('metric', p.metric, 'window', p."window", 'limitValue', p.limit_value, 'action', p.action) order by p."window")
    from usage_policies p where p.workspace_id = ?), '[]'::jsonb) as policies
from (select 1) as one
${withSession ? `left join users u on u.id = ? and u.deleted_at is null
left join auth_sessions s on s.id = ? and s.user_id = u.id` : ""}
left join workspace_memberships m on m.workspace_id = ? and m.user_id = ?
left join workspaces w on w.id = m.workspace_id
left join roles r on r.id = m.role_id and r.workspace_id = m.workspace_id
left join demo_access_states a on a.workspace_id = m.workspace_id`;
}

/** The four variants, each a named prepared statement (planned once per connection). */
const STATEMENTS = new Map<string, { name: string; sql: string }>();
function statementFor(withSession: boolean, withClaim: boolean): { name: string; sql: string } {
  const key = `${withSession ? "s" : ""}${withClaim ? "c" : ""}`;
  let statement = STATEMENTS.get(key);
  if (!statement) STATEMENTS.set(key, (statement = { name: `spine_authorize_call_${key || "m"}`, sql: callerStatement(withSession, withClaim) }));
  return statement;
}

/**
 * Authorize the acting user on the operation's workspace in one round trip, checking in this order:
 * the session (UNAUTHENTICATED), the membership and the workspace (NOT_FOUND, so a workspace's
 * existence does not leak), the role's `permission` (FORBIDDEN), then the access gate
 * (ACCESS_INACTIVE). The workspace's usage policies come back with it and serve the operation's
 * `consumeUsage` calls, so a workspace without policies is never asked again.
 */
export async function authorizeCall(op: Operation, check: CallerCheck): Promise<AuthorizedCall> {
  const workspaceId = op.workspaceId;
  const notFound = () => {
    const message = `workspace ${workspaceId} not found`;
    return new AppError("NOT_FOUND", message, { issues: [{ path: "workspaceId", message }] });
  };
  const userId = op.ctx.actorId;
  if (op.ctx.actorType !== "user" || !userId) throw notFound();
  const { session, idempotency } = check;
  const params: unknown[] = [
    ...(idempotency ? claimParams(idempotency) : []),
    workspaceId,
    ...(session ? [session.userId, session.sessionId] : []),
    workspaceId,
    userId,
  ];
  const statement = statementFor(session !== undefined, idempotency !== undefined);
  const [row] = await op.query<CallerRow>(statement.sql, params, statement.name);
  if (!row) throw new AppError("INTERNAL", "the authorization statement returned no row");

  if (session) {
    refuseStaleSession(row.user_found ? { tokenVersion: row.token_version, sessionId: row.session_id, revokedAt: row.session_revoked_at } : null, session.tokenVersion);
  }
  if (!row.membership || !row.workspace) throw notFound();
  if (row.workspace.deleted_at !== null && !check.allowDeletedWorkspace) throw notFound();
  if (!row.role) throw new AppError("INTERNAL", "the membership's role is missing");
  if (!row.role.permissions.includes(check.permission)) {
    throw AppError.forbidden(`role "${row.role.key}" lacks permission "${check.permission}"`);
  }
  if (check.gate) {
    const gateRow: GateRow | null = row.gate_found
      ? { state: row.gate_state!, reason: row.gate_reason, expires_at: row.gate_expires_at, next_transition_at: row.gate_next_transition_at }
      : null;
    refuseInactive(await accessStatusOf(op, gateRow));
  }
  // The rules as plain values (what usage enforcement reads), not managed entities: mapping them was a
  // measurable share of every call's CPU, and nothing in the operation writes them through this list.
  rememberUsagePolicies(op, row.policies);
  // The rows become managed entities only when the procedure asks for them (most never do). An entity the
  // operation loaded in the meantime is returned as it is: mapping the snapshot over it would undo its changes.
  const { membership, workspace, role } = row;
  let entities: WorkspaceAccess | null = null;
  const managed = <E extends object>(entity: EntityName<E>, name: string, data: Record<string, unknown>): E =>
    op.em.getUnitOfWork().getById<E>(name, data.id as Primary<E>) ?? op.em.map(entity, data as EntityDictionary<E>);
  const mapped = () =>
    (entities ??= {
      membership: managed(WorkspaceMembership, "WorkspaceMembership", membership),
      workspace: managed(Workspace, "Workspace", workspace),
      role: managed(Role, "Role", role),
    });
  return {
    get workspace() { return mapped().workspace; },
    get membership() { return mapped().membership; },
    get role() { return mapped().role; },
    claimedKeyId: row.claimed_id,
  };
}

/**
 * The acting user's membership and role in the operation's workspace, checked for `permission`.
 * Non-members and deleted workspaces get NOT_FOUND, so a workspace's existence does not leak.
 */
export async function authorizeMember(
  op: Operation,
  permission: TPermission,
  options: { allowDeletedWorkspace?: boolean } = {},
): Promise<WorkspaceAccess> {
  return authorizeCall(op, { permission, ...options });
}
