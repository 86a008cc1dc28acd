import { SOCKET_PROTOCOL_VERSION, type ServerMessage } from "@spine/contracts";
import { io, type Socket } from "socket.io-client";
import { waitUntil } from "./wait-until.ts";

export interface ReceivedEvent {
  cursor: string;
  message: ServerMessage<"event">;
}

/**
 * A bare socket.io-client speaking the catalog by hand: it can forge requests, and it can stop
 * reading from its TCP socket (`stopReading`), which is what a stalled client looks like to the gateway.
 */
export class TestSocket {
  readonly events: ReceivedEvent[] = [];
  readonly resyncs: ServerMessage<"resync_required">[] = [];
  readonly ended: ServerMessage<"subscription_ended">[] = [];
  readonly expiring: ServerMessage<"auth.expiring">[] = [];
  connectError: (Error & { data?: unknown }) | null = null;
  disconnectReason: string | null = null;
  readonly socket: Socket;

  constructor(url: string, token: string | null) {
    this.socket = io(url, { transports: ["websocket"], auth: token === null ? {} : { token }, reconnection: false, forceNew: true });
    this.socket.on("event", (message: ServerMessage<"event">) => {
      this.events.push({ cursor: message.cursor, message });
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

  static async connected(url: string, token: string): Promise<TestSocket> {
    const s = new TestSocket(url, token);
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

  /** The TCP socket under the WebSocket (engine.io-client's `ws` transport in Node). */
  #tcp(): { pause(): void; resume(): void } {
    const engine = this.socket.io.engine as unknown as { transport: { ws?: { _socket?: { pause(): void; resume(): void } } } };
    const tcp = engine.transport.ws?._socket;
    if (!tcp) throw new Error("test socket: no TCP socket under the WebSocket transport");
    return tcp;
  }

  /** Stop reading: the kernel's buffers fill, then the gateway's side of the socket backs up. */
  stopReading(): void {
    this.#tcp().pause();
  }

  resumeReading(): void {
    this.#tcp().resume();
  }

  close(): void {
    this.socket.disconnect();
  }
}
