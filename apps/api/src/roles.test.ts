import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILT_IN_ROLE_KEYS, BUILT_IN_ROLES, type TBuiltInRoleKey } from "@spine/domain";
import { startHarness, type Actor, type Harness } from "./testing/api-harness.ts";
import { WORKSPACE_PROCEDURES } from "./testing/procedure-table.ts";
import { createWorkspaceFixture, type WorkspaceFixture } from "./testing/workspace-fixture.ts";

let h: Harness;
let f: WorkspaceFixture;
const actors = {} as Record<TBuiltInRoleKey, Actor>;
beforeAll(async () => {
  h = await startHarness("roles");
  actors.owner = await h.signUp("owner");
  f = await createWorkspaceFixture(h, actors.owner, "W");
  for (const key of BUILT_IN_ROLE_KEYS.filter((k) => k !== "owner")) {
    actors[key] = await h.signUp(key);
    await f.owner.client.member.add.mutate({ workspaceId: f.workspaceId, email: actors[key].email, roleKey: key });
  }
});
afterAll(async () => h?.close());

describe("role matrix", () => {
  it.each(BUILT_IN_ROLE_KEYS)("%s can do exactly what its permissions say", async (roleKey) => {
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
  it("keeps the last owner: neither removable nor demotable, until another owner exists", async () => {
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

  it("lets an admin manage members but not touch owners or grant ownership", async () => {
    const { admin, owner } = actors;
    const members = await admin.client.member.list.query({ workspaceId: f.workspaceId });
    const ownerMembership = members.find((m) => m.userId === owner.userId)!;
    await expect(admin.client.member.remove.mutate({ workspaceId: f.workspaceId, membershipId: ownerMembership.membershipId }))
      .rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
    await expect(admin.client.member.add.mutate({ workspaceId: f.workspaceId, email: await f.newUserEmail(), roleKey: "owner" }))
      .rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
  });

  it("grants a custom role exactly its permissions and refuses owner-only ones", async () => {
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
