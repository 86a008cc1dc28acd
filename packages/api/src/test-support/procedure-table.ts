import { randomBytes, randomUUID } from "node:crypto";
import type { TPermission } from "@spine/domain";
import type { WorkspaceFixture } from "./workspace-fixture.ts";

/** Who will make the call (for procedures that need the caller to be a member of a spare workspace). */
export interface Caller {
  email: string;
  roleKey: string;
}

export interface ProcedureCase {
  path: string;
  type: "query" | "mutation";
  permission: TPermission;
  /** Build a valid input in the fixture's workspace (may create records first). */
  input: (f: WorkspaceFixture, caller: Caller | null) => Promise<Record<string, unknown>>;
  /** Event types the call leaves in the outbox. */
  events: string[];
  /** Audit actions the call writes. */
  audits: string[];
}

const ws = (f: WorkspaceFixture) => ({ workspaceId: f.workspaceId });
const key = () => `r-${Math.random().toString(36).slice(2, 8)}`;
/** A Standard Webhooks signing secret (32 random bytes). */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString("base64")}`;

async function newIntegration(f: WorkspaceFixture, disconnected = false): Promise<string> {
  const c = f.owner.client;
  const i = await c.integration.connect.mutate({ ...ws(f), provider: "stripe", name: key(), credentials: { apiKey: "sk_test_x" }, webhookSecret: newWebhookSecret() });
  if (disconnected) await c.integration.disconnect.mutate({ ...ws(f), integrationId: i.id });
  return i.id;
}
/** A GitHub integration linked to the fixture's project, optionally left in `error` by failed syncs (seeded as the worker would leave it). */
async function newGithubIntegration(f: WorkspaceFixture, status: "connected" | "error" = "connected"): Promise<string> {
  const i = await f.owner.client.integration.connect.mutate({
    ...ws(f), provider: "github", name: key(), config: { repository: "acme/app", projectId: f.projectId }, credentials: { token: "ghp_x" },
  });
  if (status === "error") await f.h.sql.query("update integrations set status = 'error', consecutive_sync_failures = 1 where id = $1", [i.id]);
  return i.id;
}
/** A failed inbound event of a new integration (seeded as the worker would leave it). */
async function newFailedEvent(f: WorkspaceFixture): Promise<string> {
  const integrationId = await newIntegration(f);
  const id = randomUUID();
  await f.h.sql.query(
    `insert into integration_events (id, workspace_id, integration_id, source, source_event_id, event_type, payload, status, error)
     values ($1, $2, $3, $4, $5, 'customer.subscription.updated', '{}', 'failed', 'BAD_REQUEST: malformed')`,
    [id, f.workspaceId, integrationId, integrationId, `evt_${key()}`],
  );
  return id;
}
/** A dead letter of the fixture's workspace (seeded as the worker would leave it). */
async function newDeadLetter(f: WorkspaceFixture): Promise<string> {
  const id = randomUUID();
  await f.h.sql.query(
    `insert into dead_letter_jobs (id, workspace_id, handler, event_type, subject, envelope, error, attempts)
     values ($1, $2, 'usage-metering', 'project.created', 'evt.x.project.created', '{}', 'boom', 5)`,
    [id, f.workspaceId],
  );
  return id;
}
async function newThread(f: WorkspaceFixture, deleted = false): Promise<string> {
  const c = f.owner.client;
  const t = await c.agent.createThread.mutate({ ...ws(f), title: "thread" });
  if (deleted) await c.agent.deleteThread.mutate({ ...ws(f), threadId: t.id });
  return t.id;
}
async function newPolicy(f: WorkspaceFixture): Promise<{ metric: string; window: "day" }> {
  const metric = key();
  await f.owner.client.usage.setPolicy.mutate({ ...ws(f), metric, window: "day", limit: 10 });
  return { metric, window: "day" };
}

/** Every workspace-scoped procedure, the permission it needs, a valid input, and what it records. */
export const WORKSPACE_PROCEDURES: ProcedureCase[] = [
  { path: "workspace.get", type: "query", permission: "workspace.read", input: async (f) => ws(f), events: [], audits: [] },
  { path: "workspace.update", type: "mutation", permission: "workspace.update", input: async (f) => ({ ...ws(f), settings: { theme: "dark" } }), events: ["workspace.updated"], audits: ["workspace.updated"] },
  { path: "workspace.delete", type: "mutation", permission: "workspace.delete", input: async (f, c) => ({ workspaceId: await f.spareWorkspace(c, false) }), events: ["workspace.deleted"], audits: ["workspace.deleted"] },
  { path: "workspace.restore", type: "mutation", permission: "workspace.delete", input: async (f, c) => ({ workspaceId: await f.spareWorkspace(c, true) }), events: ["workspace.restored"], audits: ["workspace.restored"] },
  { path: "member.list", type: "query", permission: "members.read", input: async (f) => ws(f), events: [], audits: [] },
  { path: "member.add", type: "mutation", permission: "members.manage", input: async (f) => ({ ...ws(f), email: await f.newUserEmail(), roleKey: "viewer" }), events: ["membership.added"], audits: ["membership.created"] },
  { path: "member.changeRole", type: "mutation", permission: "members.manage", input: async (f) => ({ ...ws(f), membershipId: await f.newMembership("viewer"), roleKey: "member" }), events: ["membership.role_changed"], audits: ["membership.updated"] },
  { path: "member.remove", type: "mutation", permission: "members.manage", input: async (f) => ({ ...ws(f), membershipId: await f.newMembership("viewer") }), events: ["membership.removed"], audits: ["membership.deleted"] },
  { path: "role.list", type: "query", permission: "members.read", input: async (f) => ws(f), events: [], audits: [] },
  { path: "role.create", type: "mutation", permission: "roles.manage", input: async (f) => ({ ...ws(f), key: key(), name: "Reader", permissions: ["projects.read"] }), events: [], audits: ["role.created"] },
  { path: "role.delete", type: "mutation", permission: "roles.manage", input: async (f) => {
    const role = await f.owner.client.role.create.mutate({ ...ws(f), key: key(), name: "Doomed", permissions: ["projects.read"] });
    return { ...ws(f), roleId: role.id };
  }, events: [], audits: ["role.deleted"] },
  { path: "role.update", type: "mutation", permission: "roles.manage", input: async (f) => ({ ...ws(f), roleId: f.customRoleId, name: `Custom ${key()}` }), events: [], audits: ["role.updated"] },
  { path: "project.create", type: "mutation", permission: "projects.write", input: async (f) => ({ ...ws(f), name: "New project" }), events: ["project.created"], audits: [] },
  { path: "project.get", type: "query", permission: "projects.read", input: async (f) => ({ ...ws(f), projectId: f.projectId }), events: [], audits: [] },
  { path: "project.list", type: "query", permission: "projects.read", input: async (f) => ({ ...ws(f), limit: 10 }), events: [], audits: [] },
  { path: "project.update", type: "mutation", permission: "projects.write", input: async (f) => ({ ...ws(f), projectId: f.projectId, description: `d ${key()}` }), events: ["project.updated"], audits: [] },
  { path: "project.delete", type: "mutation", permission: "projects.delete", input: async (f) => ({ ...ws(f), projectId: await f.newProject() }), events: ["project.deleted"], audits: ["project.deleted"] },
  { path: "project.restore", type: "mutation", permission: "projects.delete", input: async (f) => ({ ...ws(f), projectId: await f.newProject(true) }), events: ["project.restored"], audits: ["project.restored"] },
  { path: "item.create", type: "mutation", permission: "items.write", input: async (f) => ({ ...ws(f), projectId: f.projectId, title: "New item" }), events: ["item.created"], audits: [] },
  { path: "item.get", type: "query", permission: "items.read", input: async (f) => ({ ...ws(f), itemId: f.itemId }), events: [], audits: [] },
  { path: "item.list", type: "query", permission: "items.read", input: async (f) => ({ ...ws(f), projectId: f.projectId }), events: [], audits: [] },
  { path: "item.update", type: "mutation", permission: "items.write", input: async (f) => ({ ...ws(f), itemId: f.itemId, body: `b ${key()}` }), events: ["item.updated"], audits: [] },
  { path: "item.delete", type: "mutation", permission: "items.delete", input: async (f) => ({ ...ws(f), itemId: await f.newItem() }), events: ["item.deleted"], audits: ["item.deleted"] },
  { path: "item.restore", type: "mutation", permission: "items.delete", input: async (f) => ({ ...ws(f), itemId: await f.newItem(true) }), events: ["item.restored"], audits: ["item.restored"] },
  { path: "document.create", type: "mutation", permission: "documents.write", input: async (f) => ({ ...ws(f), projectId: f.projectId, title: "New doc", content: "text", metadata: { source: "test" } }), events: ["document.created"], audits: [] },
  { path: "document.get", type: "query", permission: "documents.read", input: async (f) => ({ ...ws(f), documentId: f.documentId }), events: [], audits: [] },
  { path: "document.list", type: "query", permission: "documents.read", input: async (f) => ({ ...ws(f), projectId: f.projectId }), events: [], audits: [] },
  { path: "document.update", type: "mutation", permission: "documents.write", input: async (f) => ({ ...ws(f), documentId: f.documentId, content: `c ${key()}` }), events: ["document.updated"], audits: [] },
  { path: "document.delete", type: "mutation", permission: "documents.delete", input: async (f) => ({ ...ws(f), documentId: await f.newDocument() }), events: ["document.deleted"], audits: ["document.deleted"] },
  { path: "document.restore", type: "mutation", permission: "documents.delete", input: async (f) => ({ ...ws(f), documentId: await f.newDocument(true) }), events: ["document.restored"], audits: ["document.restored"] },
  { path: "activity.list", type: "query", permission: "activity.read", input: async (f) => ({ ...ws(f), projectId: f.projectId }), events: [], audits: [] },
  { path: "audit.list", type: "query", permission: "audit.read", input: async (f) => ({ ...ws(f), limit: 5 }), events: [], audits: [] },
  { path: "integration.connect", type: "mutation", permission: "integrations.manage", input: async (f) => ({ ...ws(f), provider: "github", name: key(), config: { repo: "spine" }, credentials: { token: "ghp_x" }, webhookSecret: newWebhookSecret() }), events: ["integration.connected"], audits: ["integration.created"] },
  { path: "integration.get", type: "query", permission: "integrations.read", input: async (f) => ({ ...ws(f), integrationId: await newIntegration(f) }), events: [], audits: [] },
  { path: "integration.list", type: "query", permission: "integrations.read", input: async (f) => ({ ...ws(f), limit: 10 }), events: [], audits: [] },
  { path: "integration.update", type: "mutation", permission: "integrations.manage", input: async (f) => ({ ...ws(f), integrationId: await newIntegration(f), config: { v: key() }, webhookSecret: newWebhookSecret(), keepPreviousWebhookSecret: true }), events: ["integration.updated"], audits: ["integration.updated"] },
  { path: "integration.disconnect", type: "mutation", permission: "integrations.manage", input: async (f) => ({ ...ws(f), integrationId: await newIntegration(f) }), events: ["integration.disconnected"], audits: ["integration.deleted"] },
  { path: "integration.health", type: "query", permission: "integrations.read", input: async (f) => ({ ...ws(f), integrationId: await newIntegration(f) }), events: [], audits: [] },
  { path: "integration.events", type: "query", permission: "integrations.read", input: async (f) => ({ ...ws(f), integrationId: await newIntegration(f), status: "failed" }), events: [], audits: [] },
  { path: "integration.retryEvent", type: "mutation", permission: "integrations.manage", input: async (f) => ({ ...ws(f), integrationEventId: await newFailedEvent(f) }), events: ["webhook.received"], audits: ["integration_event.retried"] },
  { path: "integration.sync", type: "mutation", permission: "integrations.manage", input: async (f) => ({ ...ws(f), integrationId: await newGithubIntegration(f) }), events: [], audits: ["integration.sync_requested"] },
  { path: "integration.enable", type: "mutation", permission: "integrations.manage", input: async (f) => ({ ...ws(f), integrationId: await newGithubIntegration(f, "error") }), events: ["integration.updated"], audits: ["integration.updated"] },
  { path: "integration.restore", type: "mutation", permission: "integrations.manage", input: async (f) => ({ ...ws(f), integrationId: await newIntegration(f, true) }), events: ["integration.connected"], audits: ["integration.restored"] },
  { path: "usage.setPolicy", type: "mutation", permission: "usage.manage", input: async (f) => ({ ...ws(f), metric: key(), window: "month", limit: 100 }), events: ["usage_policy.set"], audits: ["usage_policy.created"] },
  { path: "usage.clearPolicy", type: "mutation", permission: "usage.manage", input: async (f) => ({ ...ws(f), ...(await newPolicy(f)) }), events: ["usage_policy.cleared"], audits: ["usage_policy.deleted"] },
  { path: "usage.listPolicies", type: "query", permission: "usage.read", input: async (f) => ws(f), events: [], audits: [] },
  { path: "usage.listCounters", type: "query", permission: "usage.read", input: async (f) => ws(f), events: [], audits: [] },
  { path: "deadLetter.list", type: "query", permission: "audit.read", input: async (f) => ws(f), events: [], audits: [] },
  { path: "deadLetter.get", type: "query", permission: "audit.read", input: async (f) => ({ ...ws(f), deadLetterId: await newDeadLetter(f) }), events: [], audits: [] },
  { path: "deadLetter.replay", type: "mutation", permission: "workspace.update", input: async (f) => ({ ...ws(f), deadLetterId: await newDeadLetter(f) }), events: [], audits: ["dead_letter.replay_requested"] },
  { path: "access.get", type: "query", permission: "access.read", input: async (f) => ws(f), events: [], audits: [] },
  // The first access change of the fixture's workspace creates its state row (records.test calls it once).
  { path: "access.change", type: "mutation", permission: "access.manage", input: async (f) => ({ ...ws(f), change: { type: "activate", plan: "free" } }), events: ["access.activated"], audits: ["access_state.updated"] },
  { path: "agent.createThread", type: "mutation", permission: "agents.run", input: async (f) => ({ ...ws(f), title: "Ask" }), events: [], audits: [] },
  { path: "agent.listThreads", type: "query", permission: "agents.read", input: async (f) => ({ ...ws(f), limit: 10 }), events: [], audits: [] },
  { path: "agent.deleteThread", type: "mutation", permission: "agents.run", input: async (f) => ({ ...ws(f), threadId: await newThread(f) }), events: [], audits: ["agent_thread.deleted"] },
  { path: "agent.restoreThread", type: "mutation", permission: "agents.run", input: async (f) => ({ ...ws(f), threadId: await newThread(f, true) }), events: [], audits: ["agent_thread.restored"] },
  { path: "agent.run", type: "mutation", permission: "agents.run", input: async (f) => ({ ...ws(f), threadId: await newThread(f), message: "hello" }), events: ["agent.run.started", "agent.tool.called", "agent.run.completed"], audits: [] },
  { path: "agent.cancel", type: "mutation", permission: "agents.run", input: async (f) => {
    // A run some other request is still working on: queued, as the API leaves it before the model's first call.
    const { rows } = await f.h.sql.query<{ id: string }>(
      "insert into agent_runs (id, workspace_id, thread_id, status, model) values (gen_random_uuid(), $1, $2, 'queued', 'offline-deterministic-v1') returning id",
      [f.workspaceId, await newThread(f)],
    );
    return { ...ws(f), runId: rows[0]!.id };
  }, events: ["agent.run.failed"], audits: [] },
  { path: "agent.listRuns", type: "query", permission: "agents.read", input: async (f) => ({ ...ws(f), threadId: await newThread(f) }), events: [], audits: [] },
  { path: "agent.search", type: "query", permission: "documents.read", input: async (f) => ({ ...ws(f), query: "hello", k: 5 }), events: [], audits: [] },
];

/** Procedures that are not about one workspace. */
/** The platform operator's procedures (`operator.*`): no workspace in the input; FORBIDDEN to everyone but an operator. */
export const OPERATOR_PROCEDURES: { path: string; type: "query" | "mutation" }[] = [
  { path: "operator.deadLetters.list", type: "query" }, { path: "operator.deadLetters.get", type: "query" },
  { path: "operator.deadLetters.replay", type: "mutation" }, { path: "operator.failedIntegrationEvents.list", type: "query" },
  { path: "operator.failedIntegrationEvents.retry", type: "mutation" },
];

export const UNSCOPED_PROCEDURES = [
  "auth.signUp", "auth.signIn", "auth.refresh", "auth.signOut", "auth.me", "workspace.create", "workspace.listMine",
];
