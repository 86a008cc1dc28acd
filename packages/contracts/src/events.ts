import { z } from "zod";
import { defineEvent, legacyVersion } from "./define-event.ts";
import { rfc3339 } from "./rfc3339.ts";

const id = z.uuid();
const name = z.string().min(1).max(200);

/* ---------------- Domain events (seed taxonomy + lifecycle events the tables need) ---------------- */

export const workspaceCreated = defineEvent({
  type: "workspace.created", category: "domain", tenancy: "workspace", version: 1,
  description: "A workspace was created; its creator is its first owner.",
  schema: z.object({ workspace_id: id, name, slug: z.string().min(1).max(100), created_by: id }),
});
export const workspaceUpdated = defineEvent({
  type: "workspace.updated", category: "domain", tenancy: "workspace", version: 1,
  description: "Workspace name or settings changed.",
  schema: z.object({ workspace_id: id, changed_fields: z.array(z.string()) }),
});
export const workspaceDeleted = defineEvent({
  type: "workspace.deleted", category: "domain", tenancy: "workspace", version: 1,
  description: "A workspace was soft-deleted; realtime delivery for it stops.",
  schema: z.object({ workspace_id: id }),
});
export const workspaceRestored = defineEvent({
  type: "workspace.restored", category: "domain", tenancy: "workspace", version: 1,
  description: "A soft-deleted workspace was restored.",
  schema: z.object({ workspace_id: id }),
});
export const membershipAdded = defineEvent({
  type: "membership.added", category: "domain", tenancy: "workspace", version: 1,
  description: "A user joined a workspace with a role.",
  schema: z.object({ membership_id: id, user_id: id, role: z.string().min(1).max(64) }),
});
export const membershipRoleChanged = defineEvent({
  type: "membership.role_changed", category: "domain", tenancy: "workspace", version: 1,
  description: "A member's role changed.",
  schema: z.object({ membership_id: id, user_id: id, from_role: z.string(), to_role: z.string() }),
});
export const membershipRemoved = defineEvent({
  type: "membership.removed", category: "domain", tenancy: "workspace", version: 1,
  description: "A user left or was removed from a workspace; their realtime delivery stops.",
  schema: z.object({ membership_id: id, user_id: id }),
});
export const projectCreated = defineEvent({
  type: "project.created", category: "domain", tenancy: "workspace", version: 1,
  description: "A project was created.",
  schema: z.object({ project_id: id, name }),
});
export const projectUpdated = defineEvent({
  type: "project.updated", category: "domain", tenancy: "workspace", version: 1,
  description: "A project's fields changed.",
  schema: z.object({ project_id: id, changed_fields: z.array(z.string()) }),
});
export const projectDeleted = defineEvent({
  type: "project.deleted", category: "domain", tenancy: "workspace", version: 1,
  description: "A project was soft-deleted.",
  schema: z.object({ project_id: id }),
});
export const projectRestored = defineEvent({
  type: "project.restored", category: "domain", tenancy: "workspace", version: 1,
  description: "A project was restored.",
  schema: z.object({ project_id: id }),
});
export const itemCreated = defineEvent({
  type: "item.created", category: "domain", tenancy: "workspace", version: 1,
  description: "An item was created in a project.",
  schema: z.object({ item_id: id, project_id: id, title: name }),
});
export const itemUpdated = defineEvent({
  type: "item.updated", category: "domain", tenancy: "workspace", version: 2,
  description: "An item's fields changed (v2 adds project_id; v1 envelopes are upcast).",
  schema: z.object({ item_id: id, project_id: id.nullable(), changed_fields: z.array(z.string()) }),
  legacy: [
    legacyVersion(1, z.object({ item_id: id, fields: z.array(z.string()) }), (p) => ({
      item_id: p.item_id,
      project_id: null,
      changed_fields: p.fields,
    })),
  ],
});
export const itemDeleted = defineEvent({
  type: "item.deleted", category: "domain", tenancy: "workspace", version: 1,
  description: "An item was soft-deleted.",
  schema: z.object({ item_id: id, project_id: id }),
});
export const itemRestored = defineEvent({
  type: "item.restored", category: "domain", tenancy: "workspace", version: 1,
  description: "An item was restored.",
  schema: z.object({ item_id: id, project_id: id }),
});
export const documentCreated = defineEvent({
  type: "document.created", category: "domain", tenancy: "workspace", version: 1,
  description: "A document was created and awaits ingestion.",
  schema: z.object({ document_id: id, project_id: id.nullable(), title: name }),
});
export const documentUpdated = defineEvent({
  type: "document.updated", category: "domain", tenancy: "workspace", version: 1,
  description: "A document's title, content or metadata changed.",
  schema: z.object({ document_id: id, changed_fields: z.array(z.string()) }),
});
export const documentIngested = defineEvent({
  type: "document.ingested", category: "domain", tenancy: "workspace", version: 1,
  description: "A document was split into chunks and embedded (only chunks whose text changed are embedded again).",
  schema: z.object({
    document_id: id,
    chunk_count: z.number().int().nonnegative(),
    /** Chunks embedded by this ingestion. */
    embedded_count: z.number().int().nonnegative(),
    /** Chunks whose text was unchanged and kept their vector. */
    reused_count: z.number().int().nonnegative(),
    embedding_model: z.string().min(1),
    content_hash: z.string().min(1),
  }),
});
export const documentDeleted = defineEvent({
  type: "document.deleted", category: "domain", tenancy: "workspace", version: 1,
  description: "A document was soft-deleted.",
  schema: z.object({ document_id: id }),
});
export const documentRestored = defineEvent({
  type: "document.restored", category: "domain", tenancy: "workspace", version: 1,
  description: "A document was restored.",
  schema: z.object({ document_id: id }),
});

/* ---------------- Integration events ---------------- */

export const integrationConnected = defineEvent({
  type: "integration.connected", category: "integration", tenancy: "workspace", version: 1,
  description: "An integration was connected to a workspace.",
  schema: z.object({ integration_id: id, provider: z.string().min(1).max(64) }),
});
export const integrationUpdated = defineEvent({
  type: "integration.updated", category: "integration", tenancy: "workspace", version: 1,
  description: "An integration's name, config or credentials changed (field names only, never values).",
  schema: z.object({ integration_id: id, provider: z.string().min(1).max(64), changed_fields: z.array(z.string()) }),
});
export const integrationDisconnected = defineEvent({
  type: "integration.disconnected", category: "integration", tenancy: "workspace", version: 1,
  description: "An integration was disconnected (soft-deleted).",
  schema: z.object({ integration_id: id, provider: z.string().min(1).max(64) }),
});
export const integrationSyncFailed = defineEvent({
  type: "integration.sync_failed", category: "integration", tenancy: "workspace", version: 1,
  description: "A sync with the provider failed.",
  schema: z.object({
    integration_id: id,
    provider: z.string().min(1).max(64),
    error: z.string().max(2000),
    attempt: z.number().int().positive(),
  }),
});
export const integrationSyncRequested = defineEvent({
  type: "integration.sync_requested", category: "integration", tenancy: "workspace", version: 1,
  description: "A sync job for an integration: published on the JOBS work queue by the worker's sync scheduler (manual request or interval), once per window.",
  schema: z.object({
    integration_id: id,
    provider: z.string().min(1).max(64),
    /** The operation key's window: `manual-<request ms>` or `every-<interval s>-<n>`. */
    window: z.string().min(1).max(100),
    trigger: z.enum(["manual", "scheduled"]),
  }),
});
export const webhookReceived = defineEvent({
  type: "webhook.received", category: "integration", tenancy: "workspace", version: 1,
  description: "A verified, deduplicated inbound webhook was stored.",
  schema: z.object({
    integration_event_id: id,
    integration_id: id,
    source: z.string().min(1).max(64),
    source_event_id: z.string().min(1).max(255),
    event_type: z.string().min(1).max(200),
  }),
});

/* ---------------- Access lifecycle events ---------------- */

const plan = z.string().min(1).max(64);
export const accessActivated = defineEvent({
  type: "access.activated", category: "access", tenancy: "workspace", version: 1,
  description: "Access for the workspace became active on a plan.",
  schema: z.object({ plan, effective_at: rfc3339(), expires_at: rfc3339().nullable() }),
});
export const accessChanged = defineEvent({
  type: "access.changed", category: "access", tenancy: "workspace", version: 1,
  description: "The workspace's plan or expiry changed.",
  schema: z.object({ plan, effective_at: rfc3339(), expires_at: rfc3339().nullable() }),
});
export const accessDeactivated = defineEvent({
  type: "access.deactivated", category: "access", tenancy: "workspace", version: 1,
  description: "Access for the workspace ended.",
  schema: z.object({ reason: z.string().min(1).max(200), effective_at: rfc3339() }),
});
export const usageLimitReached = defineEvent({
  type: "usage.limit_reached", category: "access", tenancy: "workspace", version: 1,
  description: "A usage counter reached its policy limit for the window.",
  schema: z.object({
    metric: z.string().min(1).max(64),
    limit: z.number().int().nonnegative(),
    value: z.number().int().nonnegative(),
    window: z.enum(["day", "month"]),
    window_start: rfc3339(),
  }),
});
export const usagePolicySet = defineEvent({
  type: "usage_policy.set", category: "access", tenancy: "workspace", version: 1,
  description: "A usage policy (limit per metric and window) was created or changed.",
  schema: z.object({
    policy_id: id,
    metric: z.string().min(1).max(64),
    window: z.enum(["day", "month"]),
    limit: z.number().int().nonnegative(),
    action: z.enum(["block", "notify"]),
  }),
});
export const usagePolicyCleared = defineEvent({
  type: "usage_policy.cleared", category: "access", tenancy: "workspace", version: 1,
  description: "A usage policy was removed; the metric is unlimited in that window.",
  schema: z.object({ policy_id: id, metric: z.string().min(1).max(64), window: z.enum(["day", "month"]) }),
});

/* ---------------- AI events ---------------- */

export const agentRunStarted = defineEvent({
  type: "agent.run.started", category: "ai", tenancy: "workspace", version: 1,
  description: "An agent run began.",
  schema: z.object({ run_id: id, thread_id: id, model: z.string().min(1) }),
});
export const agentToolCalled = defineEvent({
  type: "agent.tool.called", category: "ai", tenancy: "workspace", version: 1,
  description: "An agent run called a tool.",
  schema: z.object({ run_id: id, tool_call_id: id, tool_name: z.string().min(1).max(100) }),
});
export const agentRunCompleted = defineEvent({
  type: "agent.run.completed", category: "ai", tenancy: "workspace", version: 1,
  description: "An agent run finished with an answer. `tokens`: what the model reported for the run (input + output); absent on runs recorded before token metering.",
  schema: z.object({ run_id: id, thread_id: id, tool_call_count: z.number().int().nonnegative(), tokens: z.number().int().nonnegative().optional() }),
});
export const agentRunFailed = defineEvent({
  type: "agent.run.failed", category: "ai", tenancy: "workspace", version: 1,
  description: "An agent run failed. `tokens`: what the model reported before the failure (input + output); absent on runs recorded before token metering.",
  schema: z.object({ run_id: id, thread_id: id, error: z.string().max(2000), tokens: z.number().int().nonnegative().optional() }),
});

// — system (no workspace; subject `evt._sys.<type>`) —

export const sessionRevoked = defineEvent({
  type: "session.revoked", category: "system", tenancy: "system", version: 1,
  description:
    "A session was signed out, every session of a user was (sign out everywhere: tokens below token_version are void), " +
    "or a session was revoked because a superseded refresh token was presented. Gateways cut the affected sockets at once.",
  schema: z.object({
    user_id: id,
    /** The revoked session; null when every session of the user was revoked. */
    session_id: id.nullable(),
    /** Set when every session was revoked: access tokens of an older token_version are void. */
    token_version: z.number().int().min(0).nullable(),
    reason: z.enum(["sign_out", "sign_out_everywhere", "refresh_token_reuse"]),
  }),
});
