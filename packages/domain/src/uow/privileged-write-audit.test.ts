import { describe, expect } from "vitest";
import { dbTest } from "../test-support/fixtures.ts";
import type { Operation } from "../operation/operation.ts";
import { applyLifecycleEvent } from "../modules/governance/apply-lifecycle-event.ts";
import { clearUsagePolicy } from "../modules/governance/clear-usage-policy.ts";
import { setUsagePolicy } from "../modules/governance/set-usage-policy.ts";
import { incrementUsage } from "../modules/governance/increment-usage.ts";
import { Role, User, Workspace, WorkspaceMembership } from "../modules/identity/entities.ts";
import { connectIntegration } from "../modules/integrations/connect-integration.ts";
import { disconnectIntegration } from "../modules/integrations/disconnect-integration.ts";
import { recordIntegrationEvent } from "../modules/integrations/record-integration-event.ts";
import { restoreIntegration } from "../modules/integrations/restore-integration.ts";
import { updateIntegration } from "../modules/integrations/update-integration.ts";
import { createProject } from "../modules/product/create-project.ts";
import { auditRowsOf } from "../test-support/audit-rows.ts";
import { seedWorkspace, userCtx, type SeededWorkspace } from "../test-support/test-domain.ts";
import { newId } from "../shared/ids.ts";
import { PRIVILEGED_ENTITIES } from "./privileged-writes.ts";
import { REDACTED } from "./redact.ts";

/** State shared by one entity's writes, in order. */
type Bag = Record<string, string>;
interface Write {
  label: string;
  run(op: Operation, bag: Bag): Promise<void>;
  action: string;
  target: (bag: Bag) => string;
  /** The audited workspace when it is not the operation's starting one (a workspace being created). */
  workspace?: (bag: Bag) => string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

const at = (iso: string) => iso;
const findRole = (op: Operation, id: string) => op.em.findOneOrFail(Role, { id });
const findMembership = (op: Operation, id: string) => op.em.findOneOrFail(WorkspaceMembership, { id });

/** Every privileged entity, every kind of write to it, and the audit row each must produce. */
const WRITES: Record<string, Write[]> = {
  Workspace: [
    { label: "create", action: "workspace.created", target: (b) => b.newWs!, workspace: (b) => b.newWs!,
      run: async (op, b) => {
        b.newWs = newId();
        await op.enterWorkspace(b.newWs);
        op.em.create(Workspace, { id: b.newWs, name: "New", slug: `new-${b.newWs}`, createdBy: op.ctx.actorId!, settings: { signingKey: "sk-SECRET" } });
      },
      after: { name: "New", settings: { signingKey: REDACTED } } },
    { label: "settings change", action: "workspace.updated", target: (b) => b.ws!,
      run: async (op) => { (await op.em.findOneOrFail(Workspace, { id: op.workspaceId })).settings = { theme: "dark", apiToken: "tok-SECRET" }; },
      before: { settings: {} }, after: { settings: { theme: "dark", apiToken: REDACTED } } },
    { label: "rename", action: "workspace.updated", target: (b) => b.ws!,
      run: async (op) => { (await op.em.findOneOrFail(Workspace, { id: op.workspaceId })).name = "Renamed"; },
      after: { name: "Renamed" } },
  ],
  WorkspaceMembership: [
    { label: "add", action: "membership.created", target: (b) => b.membership!,
      run: async (op, b) => {
        b.user = newId(); b.membership = newId();
        op.em.create(User, { id: b.user, email: `${b.user}@x.test`, passwordHash: "hash-SECRET", displayName: "U" });
        op.em.create(WorkspaceMembership, { id: b.membership, workspaceId: op.workspaceId, userId: b.user, roleId: b.ownerRole! });
      },
      after: { roleId: "{ownerRole}" } },
    { label: "role change", action: "membership.updated", target: (b) => b.membership!,
      run: async (op, b) => {
        b.memberRole = newId();
        op.em.create(Role, { id: b.memberRole, workspaceId: op.workspaceId, key: "member", name: "Member", permissions: ["read"] });
        await op.em.flush();
        (await findMembership(op, b.membership!)).roleId = b.memberRole;
      },
      before: { roleId: "{ownerRole}" }, after: { roleId: "{memberRole}" } },
    { label: "removal", action: "membership.deleted", target: (b) => b.membership!,
      run: async (op, b) => { op.em.remove(await findMembership(op, b.membership!)); },
      before: { roleId: "{memberRole}" } },
  ],
  Role: [
    { label: "create", action: "role.created", target: (b) => b.role!,
      run: async (op, b) => { b.role = newId(); op.em.create(Role, { id: b.role, workspaceId: op.workspaceId, key: "editor", name: "Editor", permissions: ["read"] }); },
      after: { key: "editor", permissions: ["read"] } },
    { label: "permission change", action: "role.updated", target: (b) => b.role!,
      run: async (op, b) => { (await findRole(op, b.role!)).permissions = ["read", "write"]; },
      before: { permissions: ["read"] }, after: { permissions: ["read", "write"] } },
    { label: "delete", action: "role.deleted", target: (b) => b.role!,
      run: async (op, b) => { op.em.remove(await findRole(op, b.role!)); },
      before: { key: "editor" } },
  ],
  Integration: [
    { label: "connect", action: "integration.created", target: (b) => b.integration!,
      run: async (op, b) => {
        b.integration = (await connectIntegration(op, { provider: "github", name: "gh", config: { org: "acme", apiKey: "key-SECRET" }, credentials: { token: "tok-SECRET" }, webhookSecret: "whsec-SECRET" })).id;
      },
      after: { provider: "github", credentials: REDACTED, webhookSecret: REDACTED, config: { org: "acme", apiKey: REDACTED } } },
    { label: "credential rotation", action: "integration.updated", target: (b) => b.integration!,
      run: async (op, b) => { await updateIntegration(op, { integrationId: b.integration!, credentials: { token: "tok2-SECRET" }, webhookSecret: "whsec2-SECRET" }); },
      before: { credentials: REDACTED, webhookSecret: REDACTED }, after: { credentials: REDACTED, webhookSecret: REDACTED } },
    { label: "config change", action: "integration.updated", target: (b) => b.integration!,
      run: async (op, b) => { await updateIntegration(op, { integrationId: b.integration!, config: { org: "acme2" } }); },
      before: { config: { org: "acme", apiKey: REDACTED } }, after: { config: { org: "acme2" } } },
    { label: "disconnect", action: "integration.deleted", target: (b) => b.integration!,
      run: async (op, b) => { await disconnectIntegration(op, b.integration!); },
      before: { status: "connected", deletedAt: null }, after: { status: "disconnected" } },
    { label: "restore", action: "integration.restored", target: (b) => b.integration!,
      run: async (op, b) => { await restoreIntegration(op, b.integration!); },
      before: { status: "disconnected" }, after: { status: "connected", deletedAt: null } },
  ],
  UsagePolicy: [
    { label: "set", action: "usage_policy.created", target: (b) => b.policy!,
      run: async (op, b) => { b.policy = (await setUsagePolicy(op, { metric: "api_calls", window: "day", limit: 10 })).id; },
      after: { metric: "api_calls", window: "day", limitValue: 10 } },
    { label: "change limit", action: "usage_policy.updated", target: (b) => b.policy!,
      run: async (op) => { await setUsagePolicy(op, { metric: "api_calls", window: "day", limit: 20 }); },
      before: { limitValue: 10 }, after: { limitValue: 20 } },
    { label: "clear", action: "usage_policy.deleted", target: (b) => b.policy!,
      run: async (op) => { await clearUsagePolicy(op, { metric: "api_calls", window: "day" }); },
      before: { limitValue: 20 } },
  ],
  DemoAccessState: [
    { label: "activate", action: "access_state.created", target: (b) => b.access!,
      run: async (op, b) => {
        await applyLifecycleEvent(op, { type: "access.activated", payload: { plan: "pro", effective_at: at("2026-11-01T00:00:00Z"), expires_at: null } });
        b.access = (await op.em.execute<{ id: string }[]>("select id from demo_access_states"))[0]!.id;
      },
      after: { state: "active", plan: "pro" } },
    { label: "change", action: "access_state.updated", target: (b) => b.access!,
      run: async (op) => { await applyLifecycleEvent(op, { type: "access.changed", payload: { plan: "team", effective_at: at("2026-11-02T00:00:00Z"), expires_at: null } }); },
      before: { plan: "pro" }, after: { plan: "team" } },
    { label: "deactivate", action: "access_state.updated", target: (b) => b.access!,
      run: async (op) => { await applyLifecycleEvent(op, { type: "access.deactivated", payload: { reason: "trial ended", effective_at: at("2026-11-03T00:00:00Z") } }); },
      before: { state: "active" }, after: { state: "inactive", reason: "trial ended" } },
  ],
};

/** Each entity's workspace and id bag, seeded the first time one of its writes asks (as its describe's beforeAll did). */
const test = dbTest.extend("seeded", { scope: "file" }, async ({ domain }) => {
  const seeded = new Map<string, Promise<{ ws: SeededWorkspace; bag: Bag }>>();
  return (entity: string) => {
    let entry = seeded.get(entity);
    if (!entry) {
      entry = (async () => {
        const ws = await seedWorkspace(domain, "audit", { access: false });
        return { ws, bag: { ws: ws.workspaceId, ownerRole: ws.roleId } as Bag };
      })();
      seeded.set(entity, entry);
    }
    return entry;
  };
});

/** "{key}" placeholders in expectations stand for ids created along the way. */
function resolve(value: unknown, bag: Bag): unknown {
  if (typeof value === "string") return value.replace(/^\{(\w+)\}$/, (_m, key: string) => bag[key] ?? value);
  if (Array.isArray(value) || value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, bag)]));
}

test("every documented privileged entity has its writes listed here", () => {
  expect(Object.keys(WRITES).sort()).toEqual(Object.keys(PRIVILEGED_ENTITIES).sort());
});

describe.each(Object.entries(WRITES))("%s", (_entity, writes) => {
  test.for(writes.map((w) => [w.label, w] as const))("%s writes exactly one audit row with the right fields and no secret", async ([_label, write], { domain, ownerSql, seeded }) => {
    const { ws, bag } = await seeded(_entity);
    const corr = `audit-${newId()}`;
    await domain.run(userCtx(ws.workspaceId, ws.userId, corr), (op) => write.run(op, bag));
    const rows = (await auditRowsOf(ownerSql, corr)).filter((r) => r.target_type === PRIVILEGED_ENTITIES[_entity]);
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({
      workspace_id: write.workspace?.(bag) ?? ws.workspaceId, actor_id: ws.userId, actor_type: "user", action: write.action,
      target_type: PRIVILEGED_ENTITIES[_entity], target_id: write.target(bag), correlation_id: corr,
    });
    if (write.before) expect(row.changes.before).toMatchObject(resolve(write.before, bag) as object);
    if (write.after) expect(row.changes.after).toMatchObject(resolve(write.after, bag) as object);
    expect(JSON.stringify(row)).not.toMatch(/SECRET/);
    const outbox = await ownerSql.query("select envelope from outbox where envelope->>'correlation_id' = $1", [corr]);
    expect(JSON.stringify(outbox.rows)).not.toMatch(/SECRET/);
  });
});

describe("writes that are not privileged", () => {
  test("a project rename, a usage increment and a webhook event write no audit row", async ({ domain, ownerSql }) => {
    const ws = await seedWorkspace(domain, "plain");
    const integrationId = await domain.run(userCtx(ws.workspaceId, ws.userId), async (op) =>
      (await connectIntegration(op, { provider: "github", name: "gh", credentials: {} })).id,
    );
    const corr = `plain-${newId()}`;
    await domain.run(userCtx(ws.workspaceId, ws.userId, corr), async (op) => {
      const project = await createProject(op, { name: "P" });
      project.name = "P2";
      await op.em.flush();
      await incrementUsage(op, { metric: "api_calls" });
      await recordIntegrationEvent(op, { integrationId, sourceEventId: "e1", eventType: "push", payload: {} });
    });
    expect(await auditRowsOf(ownerSql, corr)).toEqual([]);
  });
});
