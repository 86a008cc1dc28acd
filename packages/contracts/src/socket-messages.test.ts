import { describe, expect, expectTypeOf, it } from "vitest";
import { createEnvelope } from "./parse-envelope.ts";
import type {
  ZSubscribeAckSchema} from "./socket-messages.ts";
import {
  CLIENT_SOCKET_MESSAGES,
  SERVER_SOCKET_MESSAGES,
  ZSubscribeMessageSchema,
  parseSocketMessage,
  type ClientMessage,
  type ClientMessageAck,
  type ServerMessage,
} from "./socket-messages.ts";

const ws = "0193f1e2-7a1b-7c3d-8e4f-a1b2c3d4e5f6";

describe("socket message catalog", () => {
  it("accepts a well-formed event message carrying a valid envelope and cursor", () => {
    const envelope = createEnvelope({ type: "project.created", payload: { project_id: ws, name: "x" }, workspaceId: ws, actorId: null, correlationId: "c-1" });
    const message = { version: 2, type: "event", payload: envelope, cursor: "42", prev: "17" };
    expect(SERVER_SOCKET_MESSAGES.event.message.parse(message)).toEqual(message);
    expect(SERVER_SOCKET_MESSAGES.event.message.parse({ ...message, prev: null })).toEqual({ ...message, prev: null });
    // Version 1 events were acknowledged one by one and carried no `prev`; a version 1 message is refused.
    expect(SERVER_SOCKET_MESSAGES.event.message.safeParse({ ...message, version: 1 }).success).toBe(false);
    expect(SERVER_SOCKET_MESSAGES.event.message.safeParse({ version: 2, type: "event", payload: envelope, cursor: "42" }).success).toBe(false);
  });

  it("rejects forged subscribe requests with reasons instead of throwing", () => {
    for (const workspace_id of ["*", ">", `${ws}.>`, "", "evt.x"]) {
      expect(parseSocketMessage(ZSubscribeMessageSchema, { version: 2, type: "subscribe", payload: { workspace_id } }).ok).toBe(false);
    }
    expect(parseSocketMessage(ZSubscribeMessageSchema, { version: 1, type: "subscribe", payload: { workspace_id: ws } }).ok).toBe(false);
    expect(parseSocketMessage(ZSubscribeMessageSchema, { version: 2, type: "subscribe", payload: { workspace_id: ws, cursor: "-1" } }).ok).toBe(false);
    expect(parseSocketMessage(ZSubscribeMessageSchema, { version: 2, type: "subscribe", payload: { workspace_id: ws, cursor: "007" } }).ok).toBe(false);
    expect(parseSocketMessage(ZSubscribeMessageSchema, "subscribe")).toMatchObject({ ok: false, reason: expect.any(String) as string });
    expect(parseSocketMessage(ZSubscribeMessageSchema, { version: 2, type: "subscribe", payload: { workspace_id: ws, cursor: "18446744073709551615" } }).ok).toBe(true);
  });

  it("types messages and acks from the catalog", () => {
    expectTypeOf<ClientMessage<"subscribe">["payload"]>().toEqualTypeOf<{ workspace_id: string; cursor?: string | null | undefined }>();
    expectTypeOf<ServerMessage<"resync_required">["payload"]["reason"]>().toEqualTypeOf<
      "history_exhausted" | "cursor_unknown" | "client_too_slow" | "gateway_unavailable"
    >();
    expectTypeOf<ClientMessageAck<"subscribe">>().toEqualTypeOf<typeof ZSubscribeAckSchema._output>();
    expect(Object.keys(CLIENT_SOCKET_MESSAGES).sort()).toEqual(["agent.unwatch", "agent.watch", "auth.refresh", "subscribe", "unsubscribe"]);
  });
});

describe("ids in socket messages", () => {
  it("canonicalises an upper-case workspace id to lower case on subscribe", () => {
    const id = "0b5F3C1E-1A2B-4C3D-8E9F-ABCDEF012345";
    const parsed = ZSubscribeMessageSchema.parse({ version: 2, type: "subscribe", payload: { workspace_id: id } });
    expect(parsed.payload.workspace_id).toBe(id.toLowerCase());
  });
});
