import type { Server, Socket } from "socket.io";
import type { AccessTokenClaims } from "@spine/auth";
import type { ClientMessageType, ServerMessage } from "@spine/contracts";
import type { TransportBacklog } from "./delivery/socket-sink.ts";

/** What clients emit: untrusted until parsed against the catalog, so every argument is unknown. */
export type InboundEvents = { [K in ClientMessageType]: (message: unknown, ack?: unknown) => void };

/** What the gateway emits. */
export type OutboundEvents = {
  event: (message: ServerMessage<"event">) => void;
  resync_required: (message: ServerMessage<"resync_required">) => void;
  subscription_ended: (message: ServerMessage<"subscription_ended">) => void;
  "auth.expiring": (message: ServerMessage<"auth.expiring">) => void;
  "agent.stream": (message: ServerMessage<"agent.stream">) => void;
};

export interface SocketData {
  claims: AccessTokenClaims;
}

export type GatewayServer = Server<InboundEvents, OutboundEvents, Record<string, never>, SocketData>;
export type GatewaySocket = Socket<InboundEvents, OutboundEvents, Record<string, never>, SocketData>;

/** Answer a client request if it asked for an answer (a forged emit may carry no callback). */
export function reply<T>(ack: unknown, value: T): void {
  if (typeof ack === "function") (ack as (value: T) => void)(value);
}

/**
 * The two fields of Engine.IO's connection this reads and its types keep private: the write buffer,
 * and the `ws` socket of its WebSocket transport.
 */
interface EngineConnection {
  writeBuffer: readonly unknown[];
  transport: { name: string; socket?: { bufferedAmount?: number } };
}

/** What the socket's transport holds unsent: Engine.IO's write buffer, and the bytes its TCP socket holds. */
export function transportBacklog(socket: GatewaySocket): TransportBacklog {
  const conn = socket.conn as unknown as EngineConnection;
  const transport = conn.transport;
  const bytes = transport.name === "websocket" ? (transport.socket?.bufferedAmount ?? 0) : 0;
  return { packets: conn.writeBuffer.length, bytes, blocked: bytes > 0 || transport.name !== "websocket" };
}
