import { describe, expect } from "vitest";
import { apiTest as test } from "../test-support/fixtures.ts";
import type { WorkspaceFixture } from "../test-support/workspace-fixture.ts";

// The request body's size cap is the host's: "refuses a body over the size cap" is in apps/api/src/body-size.test.ts.

const UNKNOWN = "01900000-0000-7000-8000-000000000000";

interface BadCase {
  name: string;
  path: string;
  type?: "query" | "mutation";
  input: (f: WorkspaceFixture) => unknown;
  code: string;
  /** The field the error must name. */
  field: string;
  message?: RegExp;
  anonymous?: boolean;
}

const CASES: BadCase[] = [
  { name: "missing field", path: "project.create", input: (f) => ({ workspaceId: f.workspaceId }), code: "BAD_REQUEST", field: "name" },
  { name: "wrong type", path: "project.create", input: (f) => ({ workspaceId: f.workspaceId, name: 42 }), code: "BAD_REQUEST", field: "name" },
  { name: "oversize string", path: "project.create", input: (f) => ({ workspaceId: f.workspaceId, name: "x".repeat(201) }), code: "BAD_REQUEST", field: "name", message: /at most 200/ },
  { name: "empty string", path: "item.create", input: (f) => ({ workspaceId: f.workspaceId, projectId: f.projectId, title: "   " }), code: "BAD_REQUEST", field: "title" },
  { name: "not a uuid", path: "project.create", input: () => ({ workspaceId: "nope", name: "n" }), code: "BAD_REQUEST", field: "workspaceId" },
  { name: "bad enum", path: "item.create", input: (f) => ({ workspaceId: f.workspaceId, projectId: f.projectId, title: "t", status: "bogus" }), code: "BAD_REQUEST", field: "status" },
  { name: "oversize content", path: "document.create", input: (f) => ({ workspaceId: f.workspaceId, title: "t", content: "a".repeat(1_000_001) }), code: "BAD_REQUEST", field: "content" },
  { name: "oversize metadata", path: "document.create", input: (f) => ({ workspaceId: f.workspaceId, title: "t", metadata: { blob: "m".repeat(70_000) } }), code: "BAD_REQUEST", field: "metadata" },
  { name: "bad limit", path: "project.list", type: "query", input: (f) => ({ workspaceId: f.workspaceId, limit: 1000 }), code: "BAD_REQUEST", field: "limit" },
  { name: "bad permission", path: "role.create", input: (f) => ({ workspaceId: f.workspaceId, key: "x-role", name: "X", permissions: ["everything"] }), code: "BAD_REQUEST", field: "permissions.0" },
  { name: "unknown project", path: "project.get", type: "query", input: (f) => ({ workspaceId: f.workspaceId, projectId: UNKNOWN }), code: "NOT_FOUND", field: "projectId" },
  { name: "unknown parent project", path: "item.create", input: (f) => ({ workspaceId: f.workspaceId, projectId: UNKNOWN, title: "t" }), code: "NOT_FOUND", field: "projectId" },
  { name: "unknown item", path: "item.update", input: (f) => ({ workspaceId: f.workspaceId, itemId: UNKNOWN, title: "t" }), code: "NOT_FOUND", field: "itemId" },
  { name: "unknown email", path: "member.add", input: (f) => ({ workspaceId: f.workspaceId, email: "ghost@example.test", roleKey: "viewer" }), code: "NOT_FOUND", field: "email" },
  { name: "unknown role", path: "member.add", input: (f) => ({ workspaceId: f.workspaceId, email: f.owner.email, roleKey: "wizard" }), code: "NOT_FOUND", field: "roleKey" },
  { name: "short password", path: "auth.signUp", input: () => ({ email: "new@example.test", password: "short", displayName: "N" }), code: "BAD_REQUEST", field: "password", anonymous: true },
  { name: "bad email", path: "auth.signUp", input: () => ({ email: "not-an-email", password: "long enough password", displayName: "N" }), code: "BAD_REQUEST", field: "email", anonymous: true },
  { name: "wrong password", path: "auth.signIn", input: (f) => ({ email: f.owner.email, password: "wrong wrong wrong" }), code: "UNAUTHORIZED", field: "", anonymous: true },
];

const NUL = /must not contain NUL characters/;
const SURROGATE = /must not contain unpaired UTF-16 surrogates/;
/** Strings Postgres cannot store (NUL; lone surrogates in jsonb) are refused by the schema, never a 500. */
const UNSTORABLE_CASES: BadCase[] = [
  { name: "NUL in a name", path: "project.create", input: (f) => ({ workspaceId: f.workspaceId, name: "a\u0000b" }), code: "BAD_REQUEST", field: "name", message: NUL },
  { name: "lone high surrogate in a name", path: "project.create", input: (f) => ({ workspaceId: f.workspaceId, name: "a\ud800b" }), code: "BAD_REQUEST", field: "name", message: SURROGATE },
  { name: "lone low surrogate in a title", path: "item.create", input: (f) => ({ workspaceId: f.workspaceId, projectId: f.projectId, title: "\udc00" }), code: "BAD_REQUEST", field: "title", message: SURROGATE },
  { name: "NUL in an item body", path: "item.update", input: (f) => ({ workspaceId: f.workspaceId, itemId: f.itemId, body: "x\u0000" }), code: "BAD_REQUEST", field: "body", message: NUL },
  { name: "NUL in document content", path: "document.create", input: (f) => ({ workspaceId: f.workspaceId, title: "t", content: "\u0000" }), code: "BAD_REQUEST", field: "content", message: NUL },
  { name: "NUL in a metadata value", path: "document.create", input: (f) => ({ workspaceId: f.workspaceId, title: "t", metadata: { note: "a\u0000" } }), code: "BAD_REQUEST", field: "metadata.note", message: NUL },
  { name: "lone surrogate deep in metadata", path: "document.update", input: (f) => ({ workspaceId: f.workspaceId, documentId: f.documentId, metadata: { a: { b: ["ok", "\ud83d"] } } }), code: "BAD_REQUEST", field: "metadata.a.b.1", message: SURROGATE },
  { name: "NUL in a settings key", path: "workspace.update", input: (f) => ({ workspaceId: f.workspaceId, settings: { "th\u0000eme": "dark" } }), code: "BAD_REQUEST", field: "settings", message: NUL },
  { name: "NUL in credentials", path: "integration.connect", input: (f) => ({ workspaceId: f.workspaceId, provider: "stripe", name: "n", credentials: { apiKey: "sk_\u0000" } }), code: "BAD_REQUEST", field: "credentials.apiKey", message: NUL },
  { name: "lone surrogate in config", path: "integration.connect", input: (f) => ({ workspaceId: f.workspaceId, provider: "stripe", name: "n", config: { repo: "\ud800" }, credentials: { apiKey: "sk" } }), code: "BAD_REQUEST", field: "config.repo", message: SURROGATE },
  { name: "NUL in a project description", path: "project.update", input: (f) => ({ workspaceId: f.workspaceId, projectId: f.projectId, description: "\u0000" }), code: "BAD_REQUEST", field: "description", message: NUL },
  { name: "NUL in a role name", path: "role.create", input: (f) => ({ workspaceId: f.workspaceId, key: "nul-role", name: "R\u0000", permissions: [] }), code: "BAD_REQUEST", field: "name", message: NUL },
  { name: "NUL in a role key lookup", path: "member.add", input: (f) => ({ workspaceId: f.workspaceId, email: f.owner.email, roleKey: "view\u0000er" }), code: "BAD_REQUEST", field: "roleKey", message: NUL },
  { name: "NUL in a thread title", path: "agent.createThread", input: (f) => ({ workspaceId: f.workspaceId, title: "\u0000" }), code: "BAD_REQUEST", field: "title", message: NUL },
  { name: "NUL in a search filter", path: "project.list", type: "query", input: (f) => ({ workspaceId: f.workspaceId, search: "a\u0000" }), code: "BAD_REQUEST", field: "search", message: NUL },
  { name: "NUL in an audit filter", path: "audit.list", type: "query", input: (f) => ({ workspaceId: f.workspaceId, action: "a\u0000" }), code: "BAD_REQUEST", field: "action", message: NUL },
  { name: "NUL in a display name", path: "auth.signUp", input: () => ({ email: "nul@example.test", password: "long enough password", displayName: "N\u0000" }), code: "BAD_REQUEST", field: "displayName", message: NUL, anonymous: true },
];
CASES.push(...UNSTORABLE_CASES);

describe("bad inputs get typed errors naming the field and change nothing", () => {
  test.for(CASES.map((c) => [c.name, c] as const))("%s", async ([_name, c], { api: h, workspace: f, owner }) => {
    const before = await h.fingerprint();
    const res = await h.raw(c.path, { type: c.type ?? "mutation", input: c.input(f), ...(c.anonymous ? {} : { token: owner.session.accessToken }) });
    const error = res.body.error;
    expect(error?.data.code).toBe(c.code);
    if (c.field) expect(error?.data.issues.map((i) => i.path)).toContain(c.field);
    if (c.message) expect(error?.data.issues.find((i) => i.path === c.field)?.message).toMatch(c.message);
    expect(JSON.stringify(res.body)).not.toMatch(/stack|\n\s+at /);
    expect(await h.fingerprint()).toEqual(before);
  });

  test.for(["expired", "forged"] as const)("refuses a mutation with an %s token, naming the reason, changing nothing", async (kind, { api: h, workspace: f, owner }) => {
    const before = await h.fingerprint();
    const token = kind === "expired"
      ? (await h.tokens.sign({ userId: owner.userId, tokenVersion: 0, sessionId: owner.session.sessionId }, -1)).token
      : `${owner.session.accessToken.slice(0, -4)}AAAA`;
    const res = await h.raw("project.create", { type: "mutation", input: { workspaceId: f.workspaceId, name: "never" }, token });
    expect(res.status).toBe(401);
    expect(res.body.error?.data.issues).toEqual([{ path: "authorization", message: kind === "expired" ? "expired" : "invalid" }]);
    expect(await h.fingerprint()).toEqual(before);
  });

  test("names every bad field at once, the workspace id included", async ({ api: h, owner }) => {
    const res = await h.raw("item.create", { type: "mutation", input: { workspaceId: 7, title: "" }, token: owner.session.accessToken });
    expect(res.body.error?.data.issues.map((i) => i.path).sort()).toEqual(["projectId", "title", "workspaceId"]);
  });

  test("refuses a malformed Idempotency-Key", async ({ api: h, workspace: f, owner }) => {
    const res = await h.raw("project.create", {
      type: "mutation", token: owner.session.accessToken, input: { workspaceId: f.workspaceId, name: "n" }, headers: { "idempotency-key": "x".repeat(300) },
    });
    expect(res.body.error?.data).toMatchObject({ code: "BAD_REQUEST", issues: [{ path: "idempotency-key" }] });
  });
});
