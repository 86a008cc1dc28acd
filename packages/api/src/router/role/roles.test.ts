import { randomUUID } from "node:crypto";
import { describe, expect } from "vitest";
import { BUILT_IN_ROLE_KEYS, BUILT_IN_ROLES, type TBuiltInRoleKey, type TPermission } from "@spine/domain";
import type { Actor, ApiHarness } from "../../test-support/api-harness.ts";
import { apiTest } from "../../test-support/fixtures.ts";
import { WORKSPACE_PROCEDURES } from "../../test-support/procedure-table.ts";
import type { WorkspaceFixture } from "../../test-support/workspace-fixture.ts";

/** `owner` and one member per other built-in role, all in `workspace`. */
const test = apiTest.extend("actors", { scope: "file" }, async ({ api: h, owner, workspace: f }) => {
  const actors = { owner } as Record<TBuiltInRoleKey, Actor>;
  for (const key of BUILT_IN_ROLE_KEYS.filter((k) => k !== "owner")) {
    actors[key] = await h.signUp(key);
    await f.owner.client.member.add.mutate({ workspaceId: f.workspaceId, email: actors[key].email, roleKey: key });
  }
  return actors;
});

describe("role matrix", () => {
  test.for(BUILT_IN_ROLE_KEYS)("%s can do exactly what its permissions say", { timeout: 120_000 }, async (roleKey, { api: h, workspace: f, actors }) => {
    const actor = actors[roleKey];
    const allowed = BUILT_IN_ROLES[roleKey].permissions;
    const expected: Record<string, string> = {};
    const actual: Record<string, string> = {};
    for (const proc of WORKSPACE_PROCEDURES) {
      const input = await proc.input(f, { email: actor.email, roleKey });
      const res = await h.raw(proc.path, { type: proc.type, input, token: actor.session.accessToken });
      expected[proc.path] = allowed.includes(proc.permission) ? "OK" : "FORBIDDEN";
      actual[proc.path] = res.status === 200 ? "OK" : (res.body.error?.data.code ?? String(res.status));
    }
    expect(actual).toEqual(expected);
  });
});

describe("owners and roles", () => {
  test("keeps the last owner: neither removable nor demotable, until another owner exists", async ({ workspace: f, actors }) => {
    const { owner } = actors;
    const members = await owner.client.member.list.query({ workspaceId: f.workspaceId });
    const mine = members.find((m) => m.userId === owner.userId)!;
    for (const attempt of [
      () => owner.client.member.remove.mutate({ workspaceId: f.workspaceId, membershipId: mine.membershipId }),
      () => owner.client.member.changeRole.mutate({ workspaceId: f.workspaceId, membershipId: mine.membershipId, roleKey: "admin" }),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ data: { code: "PRECONDITION_FAILED" } });
    }
    const adminMembership = members.find((m) => m.userId === actors.admin.userId)!;
    await owner.client.member.changeRole.mutate({ workspaceId: f.workspaceId, membershipId: adminMembership.membershipId, roleKey: "owner" });
    await owner.client.member.changeRole.mutate({ workspaceId: f.workspaceId, membershipId: mine.membershipId, roleKey: "admin" });
    await expect(
      actors.admin.client.member.changeRole.mutate({ workspaceId: f.workspaceId, membershipId: adminMembership.membershipId, roleKey: "member" }),
    ).rejects.toMatchObject({ data: { code: "PRECONDITION_FAILED" } });
    await actors.admin.client.member.changeRole.mutate({ workspaceId: f.workspaceId, membershipId: mine.membershipId, roleKey: "owner" });
    await owner.client.member.changeRole.mutate({ workspaceId: f.workspaceId, membershipId: adminMembership.membershipId, roleKey: "admin" });
  });

  test("lets an admin manage members but not touch owners or grant ownership", async ({ workspace: f, actors }) => {
    const { admin, owner } = actors;
    const members = await admin.client.member.list.query({ workspaceId: f.workspaceId });
    const ownerMembership = members.find((m) => m.userId === owner.userId)!;
    await expect(admin.client.member.remove.mutate({ workspaceId: f.workspaceId, membershipId: ownerMembership.membershipId }))
      .rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
    await expect(admin.client.member.add.mutate({ workspaceId: f.workspaceId, email: await f.newUserEmail(), roleKey: "owner" }))
      .rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
  });

  test("grants a custom role exactly its permissions and refuses owner-only ones", async ({ api: h, workspace: f, actors }) => {
    const { owner } = actors;
    const role = await owner.client.role.create.mutate({ workspaceId: f.workspaceId, key: "auditor", name: "Auditor", permissions: ["audit.read", "projects.read"] });
    const auditor = await h.signUp("auditor");
    await owner.client.member.add.mutate({ workspaceId: f.workspaceId, email: auditor.email, roleKey: role.key });
    expect((await auditor.client.audit.list.query({ workspaceId: f.workspaceId })).items.length).toBeGreaterThan(0);
    await expect(auditor.client.project.list.query({ workspaceId: f.workspaceId })).resolves.toBeTruthy();
    await expect(auditor.client.item.list.query({ workspaceId: f.workspaceId })).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
    await expect(owner.client.role.create.mutate({ workspaceId: f.workspaceId, key: "deleter", name: "D", permissions: ["workspace.delete"] }))
      .rejects.toMatchObject({ data: { code: "BAD_REQUEST", issues: [{ path: "permissions" }] } });
    await expect(owner.client.role.update.mutate({ workspaceId: f.workspaceId, roleId: (await owner.client.role.list.query({ workspaceId: f.workspaceId }))[0]!.id, name: "x" }))
      .rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
  });
});

describe("non-owners cannot escalate privileges", () => {
  /** Helpers of this describe: a custom-role actor, and a refusal that changes nothing. */
  function escalation(h: ApiHarness, f: WorkspaceFixture, actors: Record<TBuiltInRoleKey, Actor>) {
    /** A new account holding a fresh custom role with `permissions`, added by the owner. */
    async function customActor(label: string, permissions: TPermission[]) {
      const { owner } = actors;
      const role = await owner.client.role.create.mutate({ workspaceId: f.workspaceId, key: `${label}-${randomUUID().slice(0, 6)}`, name: label, permissions });
      const actor = await h.signUp(label);
      const member = await owner.client.member.add.mutate({ workspaceId: f.workspaceId, email: actor.email, roleKey: role.key });
      return { actor, role, membershipId: member.membershipId };
    }

    async function expectRefused(attempt: () => Promise<unknown>) {
      const before = await h.fingerprint();
      await expect(attempt()).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
      expect(await h.fingerprint()).toEqual(before);
    }
    return { customActor, expectRefused };
  }

  test("a member manager cannot raise its own or anyone's role above its own", async ({ api: h, workspace: f, actors }) => {
    const { customActor, expectRefused } = escalation(h, f, actors);
    const { actor, role, membershipId } = await customActor("manager", ["members.read", "members.manage"]);
    const c = actor.client;
    const ws = f.workspaceId;
    const viewerMembership = await f.newMembership("viewer");
    const adminMembership = await f.newMembership("admin");
    const narrower = await actors.owner.client.role.create.mutate({ workspaceId: ws, key: `narrow-${randomUUID().slice(0, 6)}`, name: "Narrow", permissions: ["members.read"] });

    await expectRefused(() => c.member.changeRole.mutate({ workspaceId: ws, membershipId, roleKey: "admin" }));
    await expectRefused(() => c.member.changeRole.mutate({ workspaceId: ws, membershipId, roleKey: narrower.key }));
    await expectRefused(() => c.member.changeRole.mutate({ workspaceId: ws, membershipId: viewerMembership, roleKey: "admin" }));
    await expectRefused(() => c.member.changeRole.mutate({ workspaceId: ws, membershipId: adminMembership, roleKey: narrower.key }));
    await expectRefused(() => c.member.remove.mutate({ workspaceId: ws, membershipId: adminMembership }));
    const outsider = await f.newUserEmail();
    await expectRefused(() => c.member.add.mutate({ workspaceId: ws, email: outsider, roleKey: "viewer" }));

    // Roles within its own permissions are fine.
    const added = await c.member.add.mutate({ workspaceId: ws, email: await f.newUserEmail(), roleKey: narrower.key });
    const same = await c.member.add.mutate({ workspaceId: ws, email: await f.newUserEmail(), roleKey: role.key });
    await c.member.changeRole.mutate({ workspaceId: ws, membershipId: same.membershipId, roleKey: narrower.key });
    await c.member.remove.mutate({ workspaceId: ws, membershipId: added.membershipId });

    const members = await actors.owner.client.member.list.query({ workspaceId: ws });
    expect(members.find((m) => m.membershipId === membershipId)?.role.key).toBe(role.key);
    expect(members.find((m) => m.membershipId === adminMembership)?.role.key).toBe("admin");
    expect(members.find((m) => m.membershipId === viewerMembership)?.role.key).toBe("viewer");
  });

  test("a role manager cannot grant permissions it lacks or edit its own role", async ({ api: h, workspace: f, actors }) => {
    const { customActor, expectRefused } = escalation(h, f, actors);
    const { actor, role } = await customActor("rolemgr", ["members.read", "roles.manage", "projects.read"]);
    const c = actor.client;
    const ws = f.workspaceId;

    await expectRefused(() => c.role.update.mutate({ workspaceId: ws, roleId: role.id, permissions: ["members.read", "roles.manage", "projects.read", "audit.read", "integrations.manage"] }));
    await expectRefused(() => c.role.update.mutate({ workspaceId: ws, roleId: role.id, name: "Renamed" }));
    await expectRefused(() => c.role.update.mutate({ workspaceId: ws, roleId: f.customRoleId, permissions: ["projects.read", "audit.read"] }));
    await expectRefused(() => c.role.create.mutate({ workspaceId: ws, key: `esc-${randomUUID().slice(0, 6)}`, name: "Esc", permissions: ["members.read", "members.manage"] }));

    const created = await c.role.create.mutate({ workspaceId: ws, key: `sub-${randomUUID().slice(0, 6)}`, name: "Sub", permissions: ["projects.read", "members.read"] });
    expect(created.permissions.sort()).toEqual(["members.read", "projects.read"]);
    const updated = await c.role.update.mutate({ workspaceId: ws, roleId: created.id, permissions: ["projects.read"] });
    expect(updated.permissions).toEqual(["projects.read"]);

    const roles = await actors.owner.client.role.list.query({ workspaceId: ws });
    expect(roles.find((r) => r.id === role.id)?.permissions.sort()).toEqual(["members.read", "projects.read", "roles.manage"]);
    expect(roles.find((r) => r.id === f.customRoleId)?.permissions).toEqual(["projects.read"]);
  });

  test("an admin still manages members and roles, but not its own membership", async ({ api: h, workspace: f, actors }) => {
    const { expectRefused } = escalation(h, f, actors);
    const { admin } = actors;
    const ws = f.workspaceId;
    const members = await admin.client.member.list.query({ workspaceId: ws });
    const own = members.find((m) => m.userId === admin.userId)!;
    await expectRefused(() => admin.client.member.changeRole.mutate({ workspaceId: ws, membershipId: own.membershipId, roleKey: "member" }));

    const added = await admin.client.member.add.mutate({ workspaceId: ws, email: await f.newUserEmail(), roleKey: "member" });
    await admin.client.member.changeRole.mutate({ workspaceId: ws, membershipId: added.membershipId, roleKey: "admin" });
    await admin.client.member.remove.mutate({ workspaceId: ws, membershipId: added.membershipId });
    const role = await admin.client.role.create.mutate({ workspaceId: ws, key: `adm-${randomUUID().slice(0, 6)}`, name: "A", permissions: ["audit.read", "integrations.manage"] });
    await admin.client.role.update.mutate({ workspaceId: ws, roleId: role.id, permissions: ["audit.read", "usage.manage"] });
    // Owners may do anything, including changing their own role while another owner exists (covered above).
    await actors.owner.client.role.update.mutate({ workspaceId: ws, roleId: role.id, permissions: ["roles.manage"] });
  });
});

describe("role.delete", () => {
  test("deletes an unheld custom role with one audit row; refuses held, built-in and unknown roles and changes nothing", async ({ api: h, workspace: f, actors }) => {
    const { owner } = actors;
    const ws = f.workspaceId;
    const role = await owner.client.role.create.mutate({ workspaceId: ws, key: `temp-${randomUUID().slice(0, 6)}`, name: "Temp", permissions: ["projects.read"] });
    const holder = await owner.client.member.add.mutate({ workspaceId: ws, email: await f.newUserEmail(), roleKey: role.key });

    const before = await h.fingerprint();
    await expect(owner.client.role.delete.mutate({ workspaceId: ws, roleId: role.id }))
      .rejects.toMatchObject({ data: { code: "PRECONDITION_FAILED", issues: [{ path: "roleId" }] } });
    const builtIn = (await owner.client.role.list.query({ workspaceId: ws })).find((r) => r.key === "viewer")!;
    await expect(owner.client.role.delete.mutate({ workspaceId: ws, roleId: builtIn.id })).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
    await expect(owner.client.role.delete.mutate({ workspaceId: ws, roleId: randomUUID() })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
    expect(await h.fingerprint()).toEqual(before);

    await owner.client.member.changeRole.mutate({ workspaceId: ws, membershipId: holder.membershipId, roleKey: "viewer" });
    await expect(owner.client.role.delete.mutate({ workspaceId: ws, roleId: role.id })).resolves.toEqual({ roleId: role.id });
    expect((await owner.client.role.list.query({ workspaceId: ws })).map((r) => r.id)).not.toContain(role.id);
    const audit = await owner.client.audit.list.query({ workspaceId: ws, targetId: role.id });
    expect(audit.items.map((a) => a.action).sort()).toEqual(["role.created", "role.deleted"]);
    // The key is free again.
    await expect(owner.client.role.create.mutate({ workspaceId: ws, key: role.key, name: "Again", permissions: ["projects.read"] })).resolves.toBeTruthy();
  });

  test("a non-owner role manager cannot delete the role it holds or a role with permissions it lacks", async ({ api: h, workspace: f, actors }) => {
    const { owner } = actors;
    const ws = f.workspaceId;
    const mine = await owner.client.role.create.mutate({ workspaceId: ws, key: `mgr-${randomUUID().slice(0, 6)}`, name: "Mgr", permissions: ["members.read", "roles.manage"] });
    const wider = await owner.client.role.create.mutate({ workspaceId: ws, key: `wide-${randomUUID().slice(0, 6)}`, name: "Wide", permissions: ["projects.write"] });
    const actor = await h.signUp("rolemgr-del");
    await owner.client.member.add.mutate({ workspaceId: ws, email: actor.email, roleKey: mine.key });
    await expect(actor.client.role.delete.mutate({ workspaceId: ws, roleId: wider.id })).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
    await expect(actor.client.role.delete.mutate({ workspaceId: ws, roleId: mine.id })).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
  });
});
