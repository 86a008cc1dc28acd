import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { newId } from "../../shared/ids.ts";

/**
 * Internal tools' NATS grants (`spine tools ...`, system operations only): a tool is a name and a
 * public nkey; a grant lets it read `evt.<workspace | *>.<events>`. The rows are rendered into
 * nats-server's users.conf by the CLI; nothing secret is stored (the nkey seed stays with the tool).
 */

export const TOOL_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;
/** Event type pattern: dot-separated tokens of [a-z0-9_] or `*`, the last may be `>`. */
export const TOOL_EVENTS_PATTERN = /^(([a-z0-9_]+|\*)\.)*([a-z0-9_]+|\*|>)$/;

export interface ToolGrantRow {
  tool_name: string;
  nkey: string;
  grant_id: string;
  /** NULL: every workspace. */
  scope_workspace_id: string | null;
  events: string;
  granted_at: Date;
}

export interface GrantToolInput {
  name: string;
  /** The public nkey to use when the tool is new (an existing tool keeps its own). */
  nkey: string;
  workspaceId: string | null;
  events: string;
}

export interface GrantToolResult {
  grantId: string;
  /** The tool's public nkey (the new one when `toolCreated`). */
  nkey: string;
  toolCreated: boolean;
  /** The same grant existed already: nothing was written. */
  alreadyGranted: boolean;
}

function check(input: { name: string; events?: string }): void {
  if (!TOOL_NAME_PATTERN.test(input.name)) throw AppError.badRequest("tool name: 1-40 of a-z, 0-9 and -, starting with a letter or digit", [{ path: "name", message: "invalid tool name" }]);
  if (input.events !== undefined && !TOOL_EVENTS_PATTERN.test(input.events)) {
    throw AppError.badRequest("events: an event type pattern such as project.> or item.created or *.deleted", [{ path: "events", message: "invalid pattern" }]);
  }
}

/** Add a grant (creating the tool with `nkey` if it is new). Idempotent per (tool, workspace, events). */
export async function grantTool(op: Operation, input: GrantToolInput): Promise<GrantToolResult> {
  check(input);
  if (input.workspaceId !== null) {
    const [ws] = await op.em.execute<{ id: string }[]>(`select id from workspaces where id = ?`, [input.workspaceId]);
    if (!ws) throw AppError.notFound("workspace", input.workspaceId);
  }
  const created = await op.em.execute<{ nkey: string }[]>(`insert into nats_tools (name, nkey) values (?, ?) on conflict (name) do nothing returning nkey`, [input.name, input.nkey]);
  const [tool] = created.length > 0 ? created : await op.em.execute<{ nkey: string }[]>(`select nkey from nats_tools where name = ?`, [input.name]);
  const id = newId();
  const inserted = await op.em.execute<{ id: string }[]>(
    `insert into nats_tool_grants (id, tool_name, scope_workspace_id, events) values (?, ?, ?, ?) on conflict do nothing returning id`,
    [id, input.name, input.workspaceId, input.events],
  );
  if (inserted.length > 0) return { grantId: id, nkey: tool?.nkey ?? input.nkey, toolCreated: created.length > 0, alreadyGranted: false };
  const [existing] = await op.em.execute<{ id: string }[]>(
    `select id from nats_tool_grants where tool_name = ? and scope_workspace_id is not distinct from ? and events = ?`,
    [input.name, input.workspaceId, input.events],
  );
  return { grantId: existing?.id ?? "", nkey: tool?.nkey ?? input.nkey, toolCreated: false, alreadyGranted: true };
}

/** Every tool with its grants, by tool then grant time (a tool has at least one grant). */
export async function listToolGrants(op: Operation, filter: { name?: string } = {}): Promise<ToolGrantRow[]> {
  return op.em.execute<ToolGrantRow[]>(
    `select t.name as tool_name, t.nkey, g.id as grant_id, g.scope_workspace_id, g.events, g.granted_at
       from nats_tools t join nats_tool_grants g on g.tool_name = t.name
      where (?::text is null or t.name = ?)
      order by t.name, g.granted_at, g.id`,
    [filter.name ?? null, filter.name ?? null],
  );
}

export interface RevokeToolResult {
  revokedGrants: string[];
  /** No grant was left, so the tool (and its nkey) is gone. */
  toolRemoved: boolean;
}

/** Revoke one grant of the tool, or all of them; a tool left with no grant is removed. */
export async function revokeToolGrants(op: Operation, input: { name: string; grantId?: string }): Promise<RevokeToolResult> {
  check(input);
  const revoked = await op.em.execute<{ id: string }[]>(
    `delete from nats_tool_grants where tool_name = ? and (?::uuid is null or id = ?::uuid) returning id`,
    [input.name, input.grantId ?? null, input.grantId ?? null],
  );
  if (revoked.length === 0) throw AppError.notFound(input.grantId ? `grant of tool ${input.name}` : "tool", input.grantId ?? input.name);
  const removed = await op.em.execute<{ name: string }[]>(
    `delete from nats_tools t where t.name = ? and not exists (select 1 from nats_tool_grants g where g.tool_name = t.name) returning name`,
    [input.name],
  );
  return { revokedGrants: revoked.map((r) => r.id), toolRemoved: removed.length > 0 };
}

/** Replace the tool's public nkey (its old seed stops working once nats-server reloads users.conf). */
export async function rotateToolKey(op: Operation, input: { name: string; nkey: string }): Promise<void> {
  check(input);
  const updated = await op.em.execute<{ name: string }[]>(`update nats_tools set nkey = ?, rotated_at = now() where name = ? returning name`, [input.nkey, input.name]);
  if (updated.length === 0) throw AppError.notFound("tool", input.name);
}
