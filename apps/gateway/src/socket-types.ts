import type { Server, Socket } from "socket.io";
import type { AccessTokenClaims } from "@spine/auth";
import type { ClientMessageType, ServerMessage } from "@spine/contracts";

/** What clients emit: untrusted until parsed against the catalog, so every argument is unknown. */
export type InboundEvents = { [K in ClientMessageType]: (message: unknown, ack?: unknown) => void };

/** What the gateway emits; the client's ack of an event is untrusted too. */
export type OutboundEvents = {
  event: (message: ServerMessage<"event">, ack: (value: unknown) => void) => void;
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
