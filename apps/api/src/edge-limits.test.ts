import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect } from "vitest";
import { hostTest } from "./test-support/fixtures.ts";
import { connectIntegration } from "@spine/domain";
import { signWebhook } from "@spine/webhooks";
import type { RawResponse } from "./test-support/api-harness.ts";

/**
 * Inputs that used to reach a 500 (a year-0000 timestamp, a 10,000-deep JSON value, NUL in a webhook's
 * type) and error bodies that used to be enormous or leak an exception's text: each is a 4xx naming
 * the field, in a small body.
 */
/** `{"a":{"a":…1…}}` nested `depth` levels, built as text (JSON.stringify itself would overflow). */
function deepObjectText(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

interface Raw extends RawResponse {
  text: string;
}

const secret = `whsec_${randomBytes(24).toString("base64")}`;

/**
 * `post(path, bodyText)`: the raw text POSTed to a procedure as `owner`; `deliver(body, id)`: a webhook signed with
 * `secret` to an integration of `f`.
 */
const test = hostTest
  .extend("post", { scope: "file" }, ({ h, owner }) => async (path: string, bodyText: string, headers: Record<string, string> = {}): Promise<Raw> => {
    const res = await fetch(`${h.api.trpcUrl}/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${owner.session.accessToken}`, ...headers },
      body: bodyText,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: JSON.parse(text) as RawResponse["body"], text };
  })
  .extend("deliver", { scope: "file" }, async ({ h, owner, f }) => {
    const view = await h.api.domain.run({ workspaceId: f.workspaceId, actorId: owner.userId, actorType: "user", correlationId: "setup" }, (op) =>
      connectIntegration(op, { provider: "standard-webhooks", name: "edge-hooks", credentials: { apiKey: "sk_x" }, webhookSecret: secret }),
    );
    return async (body: string, id: string): Promise<{ status: number; body: { error?: { code: string; issues?: { path: string }[] } } }> => {
      const res = await fetch(`${h.api.url}/webhooks/${f.workspaceId}/${view.id}`, { method: "POST", body, headers: signWebhook(secret, id, new Date(), body) });
      return { status: res.status, body: (await res.json()) as { error?: { code: string; issues?: { path: string }[] } } };
    };
  });

function expectFieldError(res: { status: number; body: RawResponse["body"] }, status: number, field: RegExp): void {
  expect(res.status).toBe(status);
  const paths = res.body.error?.data.issues.map((i) => i.path) ?? [];
  expect(paths.some((p) => field.test(p)), `issues ${JSON.stringify(paths)} name ${field}`).toBe(true);
  expect(JSON.stringify(res.body)).not.toMatch(/call stack|internal error|\n\s+at /i);
}

describe("timestamps outside sane years are a 400 naming the field", () => {
  test.for(["0000-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00", "10000-01-01T00:00:00Z", "9999-12-31T23:00:00-05:00"])("audit.list from=%s", async (from, { h, owner, f }) => {
    const res = await h.raw("audit.list", { type: "query", input: { workspaceId: f.workspaceId, from }, token: owner.session.accessToken });
    expectFieldError(res, 400, /^from$/);
  });

  test("access.change effectiveAt in year 0001, changing nothing", async ({ h, owner, f }) => {
    const before = await h.fingerprint();
    const res = await h.raw("access.change", {
      type: "mutation", token: owner.session.accessToken,
      input: { workspaceId: f.workspaceId, change: { type: "activate", plan: "pro", effectiveAt: "0001-01-01T00:00:00+00:00" } },
    });
    expectFieldError(res, 400, /^change\.effectiveAt$/);
    expect(await h.fingerprint()).toEqual(before);
  });

  test("a sane year still works", async ({ h, owner, f }) => {
    const res = await h.raw("audit.list", { type: "query", input: { workspaceId: f.workspaceId, from: "1999-12-31T23:00:00-01:00" }, token: owner.session.accessToken });
    expect(res.status).toBe(200);
  });
});

describe("JSON nested too deep is refused at the edge, naming the field", () => {
  test("a 10,000-deep metadata with an Idempotency-Key (hashed before validation) is a 400 on metadata", async ({ h, f, post }) => {
    const before = await h.fingerprint();
    const body = `{"workspaceId":"${f.workspaceId}","title":"deep","metadata":${deepObjectText(10_000)}}`;
    const res = await post("document.create", body, { "idempotency-key": randomUUID() });
    expectFieldError(res, 400, /^metadata(\.|$)/);
    expect(res.text.length).toBeLessThan(2_000);
    expect(await h.fingerprint()).toEqual(before);
  });

  test("a 1,000-deep query input (as deep as a URL allows) is a 400", async ({ h, owner, f }) => {
    const input = `{"workspaceId":"${f.workspaceId}","search":${"[".repeat(1_000)}${"]".repeat(1_000)}}`;
    const res = await fetch(`${h.api.trpcUrl}/project.list?input=${encodeURIComponent(input)}`, { headers: { authorization: `Bearer ${owner.session.accessToken}` } });
    expectFieldError({ status: res.status, body: (await res.json()) as RawResponse["body"] }, 400, /^search(\.|$)/);
  });

  test.for(["workspace.update:settings", "document.update:metadata", "integration.connect:credentials"])(
    "a deep %s is a field-named 400, never a stack overflow",
    async (c, { f, post }) => {
      const [path, field] = c.split(":") as [string, string];
      const rest = path === "workspace.update" ? "" : path === "document.update" ? `,"documentId":"${f.documentId}"` : `,"provider":"stripe","name":"n"`;
      const value = field === "credentials" ? `{"apiKey":"sk","x":${deepObjectText(70)}}` : deepObjectText(70);
      const res = await post(path, `{"workspaceId":"${f.workspaceId}"${rest},"${field}":${value}}`);
      expectFieldError(res, 400, new RegExp(`^${field}(\\.|$)`));
    },
  );

  test("a value nested within the limit is accepted", async ({ f, post }) => {
    const res = await post("document.create", `{"workspaceId":"${f.workspaceId}","title":"ok","metadata":${deepObjectText(40)}}`);
    expect(res.status).toBe(200);
  });
});

describe("error bodies stay small and never echo internals", () => {
  test("role.create with 50,000 invalid permissions answers one capped issue on permissions", async ({ f, post }) => {
    const permissions = Array.from({ length: 50_000 }, (_, i) => `bogus.permission.${i}`);
    const res = await post("role.create", JSON.stringify({ workspaceId: f.workspaceId, key: "huge-role", name: "Huge", permissions }));
    expectFieldError(res, 400, /^permissions$/);
    expect(res.text.length).toBeLessThan(4_000);
  });

  test("many bad fields answer at most 20 issues plus the total count, and the message does not repeat them", async ({ f, post }) => {
    const permissions = Array.from({ length: 40 }, (_, i) => `bogus.${i}`);
    const res = await post("role.create", JSON.stringify({ workspaceId: f.workspaceId, key: "many-role", name: "Many", permissions }));
    expect(res.status).toBe(400);
    const data = res.body.error?.data as unknown as { issues: { path: string; message: string }[]; issueCount: number };
    expect(data.issues).toHaveLength(20);
    expect(data.issueCount).toBe(40);
    const message = res.body.error?.message ?? "";
    for (const issue of data.issues) expect(message).not.toContain(issue.message);
    expect(res.text.split("permissions.1\"").length - 1).toBe(1);
  });
});

describe("signed webhooks that used to reach a 500", () => {
  test("a 10,000-deep JSON body is a 400 naming the field, storing nothing", async ({ h, deliver }) => {
    const before = await h.fingerprint();
    const res = await deliver(`{"type":"deep","data":${deepObjectText(10_000)}}`, "msg_deep");
    expect(res.status).toBe(400);
    expect(res.body.error?.issues?.[0]?.path).toMatch(/^data\./);
    expect(await h.fingerprint()).toEqual(before);
  });

  test("a type containing NUL is a 400 naming type, storing nothing", async ({ h, deliver }) => {
    const before = await h.fingerprint();
    const res = await deliver(JSON.stringify({ type: "invoice\u0000paid" }), "msg_nul");
    expect(res.status).toBe(400);
    expect(res.body.error?.issues?.[0]?.path).toBe("type");
    expect(await h.fingerprint()).toEqual(before);
  });
});
