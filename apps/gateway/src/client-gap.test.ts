import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createRealtimeClient } from "@spine/client";
import { SOCKET_PROTOCOL_VERSION, createEnvelope, type EnvelopeOf } from "@spine/contracts";
import { Server } from "socket.io";
import { describe, expect, it } from "vitest";
import { waitUntil } from "./test-support/wait-until.ts";

const ws = "0193f1e2-7a1b-7c3d-8e4f-a1b2c3d4e5f6";

/** The `event` message of the envelope at stream sequence `seq`, naming `prev` as its workspace's previous one. */
function eventAt(seq: number, prev: number | null) {
  const envelope = createEnvelope({ type: "project.created", payload: { project_id: ws, name: `p${seq}` }, workspaceId: ws, actorId: null, correlationId: `c-${seq}` });
  return { version: SOCKET_PROTOCOL_VERSION, type: "event" as const, payload: envelope, cursor: String(seq), prev: prev === null ? null : String(prev) };
}

/**
 * A live gateway never leaves a hole (its transport is ordered and a slow socket is cut off with
 * resync_required), so this server plays one that did: the client must see it from `prev`, take
 * nothing after the hole, and resume from its own cursor.
 */
describe("realtime client: a hole in the live events", () => {
  it("resumes from the last cursor it processed, skips what the old subscription still sends, and misses nothing", async () => {
    const http = createServer();
    const io = new Server(http, { serveClient: false });
    const subscribes: (string | null)[] = [];
    io.on("connection", (socket) => {
      socket.on("subscribe", (message: { payload: { cursor?: string | null } }, ack: (a: unknown) => void) => {
        const cursor = message.payload.cursor ?? null;
        subscribes.push(cursor);
        if (cursor === null) {
          ack({ ok: true, workspace_id: ws, cursor: "10" });
          // 13 and 14 are lost; 16 is what the old subscription still sent before the resume arrived.
          socket.emit("event", eventAt(11, 10));
          socket.emit("event", eventAt(12, 11));
          socket.emit("event", eventAt(15, 14));
          socket.emit("event", eventAt(16, 15));
          return;
        }
        // The resume: its answer first, then the replay after the client's cursor, as the gateway does.
        ack({ ok: true, workspace_id: ws, cursor });
        for (let seq = Number(cursor) + 1; seq <= 17; seq++) socket.emit("event", eventAt(seq, seq - 1));
      });
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    const client = createRealtimeClient({ url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, getToken: () => "t" });
    try {
      const seen: string[] = [];
      client.on("project.created", (env: EnvelopeOf<"project.created">, meta) => seen.push(`${meta.cursor}:${env.payload.name}`));
      await client.subscribe(ws);
      await waitUntil(() => seen.length === 7, "every event, the lost ones replayed");
      expect(seen).toEqual(["11:p11", "12:p12", "13:p13", "14:p14", "15:p15", "16:p16", "17:p17"]);
      expect(subscribes).toEqual([null, "12"]);
      expect(client.cursor(ws)).toBe("17");
    } finally {
      client.close();
      await io.close();
    }
  });

  it("a handler that throws is reported through onError; the other handlers and the next events still run", async () => {
    const http = createServer();
    const io = new Server(http, { serveClient: false });
    io.on("connection", (socket) => {
      socket.on("subscribe", (_message: unknown, ack: (a: unknown) => void) => {
        ack({ ok: true, workspace_id: ws, cursor: "1" });
        socket.emit("event", eventAt(2, 1));
        socket.emit("event", eventAt(3, 2));
      });
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    const client = createRealtimeClient({ url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, getToken: () => "t" });
    try {
      const errors: { code: string; cause: unknown }[] = [];
      const seen: string[] = [];
      client.onError((e) => errors.push({ code: e.code, cause: e.cause }));
      client.on("project.created", (env: EnvelopeOf<"project.created">) => {
        if (env.payload.name === "p2") throw new Error("app bug");
      });
      client.onAny((_env, meta) => seen.push(meta.cursor));
      await client.subscribe(ws);
      await waitUntil(() => seen.length === 2, "both events at the other handler");
      expect(seen).toEqual(["2", "3"]);
      expect(errors).toEqual([{ code: "INTERNAL", cause: new Error("app bug") }]);
      expect(client.cursor(ws)).toBe("3");
    } finally {
      client.close();
      await io.close();
    }
  });
});
