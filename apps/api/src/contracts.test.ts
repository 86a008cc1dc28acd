import { Parser } from "@asyncapi/parser";
import { Validator } from "@seriousme/openapi-schema-validator";
import { appRouter } from "@spine/api";
import { CLIENT_SOCKET_MESSAGES, EVENT_TYPES, SERVER_SOCKET_MESSAGES } from "@spine/contracts";
import { describe, expect } from "vitest";
import { hostTest } from "./test-support/fixtures.ts";

/**
 * The contracts for non-TypeScript clients are served by the API host, generated from the router and
 * the event registry: valid documents, complete, and describing routes that answer as described.
 */
const test = hostTest.override("hostOptions", { scope: "file" }, { contractHosts: { gateway: "127.0.0.1:4001", nats: "127.0.0.1:4222" } });

interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; security: unknown[]; requestBody?: unknown }>>;
}

describe("/openapi.json", () => {
  test("is a valid OpenAPI 3.1 document with every procedure", async ({ h }) => {
    const res = await fetch(`${h.api.url}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as OpenApiDoc;
    expect(doc.openapi).toBe("3.1.0");
    const result = await new Validator().validate(doc as unknown as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const procedures = Object.keys(appRouter._def.procedures);
    expect(Object.keys(doc.paths).sort()).toEqual(procedures.map((p) => `/trpc/${p}`).sort());
    expect(doc.paths["/trpc/project.create"]?.post?.security).toEqual([{ bearer: [] }]);
    expect(doc.paths["/trpc/auth.signIn"]?.post?.security).toEqual([]);
    expect(doc.paths["/trpc/project.list"]?.get).toBeDefined();
  });

  test("describes routes that answer as described: a mutation by POST with the input as body, a query by GET with ?input=", async ({ h, owner }) => {
    const auth = { authorization: `Bearer ${owner.session.accessToken}` };
    const ws = await fetch(`${h.api.url}/trpc/workspace.create`, {
      method: "POST", headers: { ...auth, "content-type": "application/json", "idempotency-key": "contracts-ws-1" }, body: JSON.stringify({ name: "From OpenAPI" }),
    });
    expect(ws.status).toBe(200);
    const created = (await ws.json()) as { result: { data: { workspace: { id: string } } } };
    const workspaceId = created.result.data.workspace.id;
    const list = await fetch(`${h.api.url}/trpc/project.list?input=${encodeURIComponent(JSON.stringify({ workspaceId }))}`, { headers: auth });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { result: { data: unknown } }).result.data).toBeDefined();
    const bad = await fetch(`${h.api.url}/trpc/project.create`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ workspaceId }) });
    expect(bad.status).toBe(400);
    const err = (await bad.json()) as { error: { data: { appCode: string; issues: Array<{ path: string }> } } };
    expect(err.error.data.issues[0]?.path).toBe("name");
  });
});

describe("/asyncapi.json", () => {
  test("is a valid AsyncAPI 3 document naming every event type and every socket message", async ({ h }) => {
    const res = await fetch(`${h.api.url}/asyncapi.json`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const { document, diagnostics } = await new Parser().parse(text);
    const errors = diagnostics.filter((d) => Number(d.severity) === 0 /* DiagnosticSeverity.Error */).map((d) => `${d.path.join(".")}: ${d.message}`);
    expect(errors).toEqual([]);
    expect(document).toBeDefined();
    const doc = JSON.parse(text) as { asyncapi: string; channels: Record<string, { address: string; messages: Record<string, unknown> }>; components: { messages: Record<string, { payload: { properties: Record<string, unknown> } }> } };
    expect(doc.asyncapi).toBe("3.0.0");
    expect(doc.channels.events?.address).toBe("evt.{scope}.{eventType}");
    expect(Object.keys(doc.channels.events?.messages ?? {}).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) expect(doc.components.messages[`event.${type}`]?.payload.properties.payload).toBeDefined();
    for (const type of [...Object.keys(SERVER_SOCKET_MESSAGES), ...Object.keys(CLIENT_SOCKET_MESSAGES), "handshake"]) {
      expect(Object.values(doc.channels).some((c) => Object.keys(c.messages).includes(type)), type).toBe(true);
    }
  });
});
