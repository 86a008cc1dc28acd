import { SOCKET_PROTOCOL_VERSION, type ServerMessage } from "@spine/contracts";
import { io, type Socket } from "socket.io-client";
import { waitUntil } from "./wait-until.ts";

export interface ReceivedEvent {
  cursor: string;
  message: ServerMessage<"event">;
}

/**
 * A bare socket.io-client speaking the catalog by hand: it can forge requests, and with
 * `ackEvents: false` it never acknowledges events (a stalled client).
 */
export class TestSocket {
  readonly events: ReceivedEvent[] = [];
  readonly resyncs: ServerMessage<"resync_required">[] = [];
  readonly ended: ServerMessage<"subscription_ended">[] = [];
  readonly expiring: ServerMessage<"auth.expiring">[] = [];
  connectError: (Error & { data?: unknown }) | null = null;
  disconnectReason: string | null = null;
  readonly socket: Socket;

  constructor(url: string, token: string | null, options: { ackEvents?: boolean } = {}) {
    this.socket = io(url, { transports: ["websocket"], auth: token === null ? {} : { token }, reconnection: false, forceNew: true });
    const ackEvents = options.ackEvents ?? true;
    this.socket.on("event", (message: ServerMessage<"event">, ack: (value: { cursor: string }) => void) => {
      this.events.push({ cursor: message.cursor, message });
      if (ackEvents) ack({ cursor: message.cursor });
    });
    this.socket.on("resync_required", (m: ServerMessage<"resync_required">) => this.resyncs.push(m));
    this.socket.on("subscription_ended", (m: ServerMessage<"subscription_ended">) => this.ended.push(m));
    this.socket.on("auth.expiring", (m: ServerMessage<"auth.expiring">) => this.expiring.push(m));
    this.socket.on("connect_error", (err) => {
      this.connectError = err;
    });
    this.socket.on("disconnect", (reason) => {
      this.disconnectReason = reason;
    });
  }

  static async connected(url: string, token: string, options: { ackEvents?: boolean } = {}): Promise<TestSocket> {
    const s = new TestSocket(url, token, options);
    await waitUntil(() => s.socket.connected || s.connectError !== null, "socket connect");
    if (s.connectError) throw s.connectError;
    return s;
  }

  request(type: string, payload: unknown): Promise<unknown> {
    return this.socket.timeout(10_000).emitWithAck(type, { version: SOCKET_PROTOCOL_VERSION, type, payload });
  }

  /** Emit anything at all, the way a hostile client could. */
  raw(event: string, ...args: unknown[]): Promise<unknown> {
    return this.socket.timeout(10_000).emitWithAck(event, ...args);
  }

  subscribe(workspaceId: string, cursor?: string | null): Promise<unknown> {
    return this.request("subscribe", { workspace_id: workspaceId, cursor });
  }

  eventTypesFor(workspaceId: string): string[] {
    return this.events.filter((e) => e.message.payload.workspace_id === workspaceId).map((e) => e.message.payload.event_type);
  }

  idsOf(workspaceId?: string): string[] {
    return this.events.filter((e) => workspaceId === undefined || e.message.payload.workspace_id === workspaceId).map((e) => e.message.payload.event_id);
  }

  close(): void {
    this.socket.disconnect();
  }
}
