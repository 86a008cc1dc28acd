import { z } from "zod";
import { ZEnvelopeSchema } from "./envelope.ts";
import { APP_ERROR_CODES } from "./errors.ts";
import { ZAgentStreamChunkSchema } from "./agent-stream.ts";

/**
 * The realtime protocol between apps/gateway and packages/client, as a zod catalog.
 * Every message is `{ version, type, payload }` and travels on the Socket.IO event named
 * after its `type`. Receivers parse every message; one that fails is logged and skipped.
 */
export const SOCKET_PROTOCOL_VERSION = 2;

/** Resume cursor: the JetStream stream sequence of an envelope, as a decimal string (uint64). */
export const ZCursorSchema = z.string().regex(/^(0|[1-9][0-9]{0,19})$/, "must be a stream sequence");
export type TCursor = z.infer<typeof ZCursorSchema>;

export const ZSocketErrorSchema = z.object({ code: z.enum(APP_ERROR_CODES), message: z.string() });
export type TSocketError = z.infer<typeof ZSocketErrorSchema>;

const version = z.literal(SOCKET_PROTOCOL_VERSION);

function socketMessage<const TType extends string, TPayload extends z.ZodType>(type: TType, payload: TPayload) {
  return z.object({ version, type: z.literal(type), payload });
}

function ackOf<TOk extends z.ZodRawShape>(ok: TOk) {
  return z.discriminatedUnion("ok", [
    z.object({ ok: z.literal(true), ...ok }),
    z.object({ ok: z.literal(false), error: ZSocketErrorSchema }),
  ]);
}

/* ---------------- server → client ---------------- */

/**
 * A workspace envelope with its resume cursor. Not acknowledged: the socket's transport is ordered,
 * and `prev` is the cursor of the workspace's previous envelope (null when the gateway has sent none
 * of this workspace's envelopes before it on this subscription's path), so a client whose own cursor is
 * behind `prev` knows it missed envelopes and resumes from its cursor.
 */
export const ZEventMessageSchema = z.object({
  version,
  type: z.literal("event"),
  payload: ZEnvelopeSchema,
  cursor: ZCursorSchema,
  prev: ZCursorSchema.nullable(),
});

/**
 * The `event` message with its envelope left unchecked: a receiver checks the frame with this and the
 * envelope once, against its event type's contract (`safeParseEnvelope`), instead of twice.
 */
export const ZEventFrameSchema = ZEventMessageSchema.extend({ payload: z.unknown() });

export const RESYNC_REASONS = [
  /** The cursor is older than the stream's history window; reload state, then subscribe afresh. */
  "history_exhausted",
  /** The cursor does not belong to this stream (ahead of it, or the stream was recreated). */
  "cursor_unknown",
  /** The client fell too far behind; resume with the last cursor it processed. */
  "client_too_slow",
  /** The gateway could not replay just now; resume again with the same cursor. */
  "gateway_unavailable",
] as const;
export type TResyncReason = (typeof RESYNC_REASONS)[number];

export const ZResyncRequiredMessageSchema = socketMessage(
  "resync_required",
  z.object({
    workspace_id: z.uuid(),
    reason: z.enum(RESYNC_REASONS),
    /**
     * The last cursor the gateway sent on this subscription (or the client's), when there is one. Sent is
     * not received: a client resumes from the last cursor it processed.
     */
    cursor: ZCursorSchema.nullable(),
  }),
);

export const SUBSCRIPTION_END_REASONS = ["membership_removed", "workspace_deleted", "access_revoked"] as const;
export type TSubscriptionEndReason = (typeof SUBSCRIPTION_END_REASONS)[number];

export const ZSubscriptionEndedMessageSchema = socketMessage(
  "subscription_ended",
  z.object({ workspace_id: z.uuid(), reason: z.enum(SUBSCRIPTION_END_REASONS) }),
);

/** Sent ahead of the access token's expiry; the client answers with `auth.refresh`. */
export const ZAuthExpiringMessageSchema = socketMessage(
  "auth.expiring",
  z.object({ expires_at: z.iso.datetime({ offset: true }) }),
);

/** A live step of an agent run the socket watches (`agent.watch`). */
export const ZAgentStreamMessageSchema = socketMessage("agent.stream", ZAgentStreamChunkSchema);

export const SERVER_SOCKET_MESSAGES = {
  event: { message: ZEventMessageSchema },
  "agent.stream": { message: ZAgentStreamMessageSchema },
  resync_required: { message: ZResyncRequiredMessageSchema },
  subscription_ended: { message: ZSubscriptionEndedMessageSchema },
  "auth.expiring": { message: ZAuthExpiringMessageSchema },
} as const;

/* ---------------- client → server ---------------- */

export const ZSubscribeMessageSchema = socketMessage(
  "subscribe",
  z.object({
    /** Canonical lower case: the subscription is filed under the same key the events carry. */
    workspace_id: z.uuid().toLowerCase(),
    /** Resume after this cursor; omit or null to start with the live events. */
    cursor: ZCursorSchema.nullish(),
  }),
);
/** `cursor` is where delivery starts: events after it reach the client (the baseline to resume from). */
export const ZSubscribeAckSchema = ackOf({ workspace_id: z.uuid(), cursor: ZCursorSchema });

export const ZUnsubscribeMessageSchema = socketMessage("unsubscribe", z.object({ workspace_id: z.uuid().toLowerCase() }));
export const ZUnsubscribeAckSchema = ackOf({ workspace_id: z.uuid() });

export const ZAuthRefreshMessageSchema = socketMessage("auth.refresh", z.object({ token: z.string().min(1).max(4096) }));
export const ZAuthRefreshAckSchema = ackOf({ expires_at: z.iso.datetime({ offset: true }) });

/**
 * Watch an agent run's live steps. The socket must hold a subscription to the run's workspace (so
 * only its members can watch, and losing access ends the watch); the ack carries the run's state as
 * committed, so a client that (re)connects mid-run has the steps so far and receives the rest.
 */
export const ZAgentWatchMessageSchema = socketMessage("agent.watch", z.object({ workspace_id: z.uuid().toLowerCase(), run_id: z.uuid().toLowerCase() }));
export const ZAgentRunSnapshotSchema = z.object({
  id: z.uuid(),
  status: z.enum(["queued", "running", "completed", "failed"]),
  answer: z.string().nullable(),
  error: z.string().nullable(),
  tool_calls: z.array(z.object({ ordinal: z.number().int(), name: z.string(), status: z.string() })),
});
export type TAgentRunSnapshot = z.infer<typeof ZAgentRunSnapshotSchema>;
export const ZAgentWatchAckSchema = ackOf({ run: ZAgentRunSnapshotSchema });
export const ZAgentUnwatchMessageSchema = socketMessage("agent.unwatch", z.object({ run_id: z.uuid().toLowerCase() }));
export const ZAgentUnwatchAckSchema = ackOf({ run_id: z.uuid() });

export const CLIENT_SOCKET_MESSAGES = {
  "agent.watch": { message: ZAgentWatchMessageSchema, ack: ZAgentWatchAckSchema },
  "agent.unwatch": { message: ZAgentUnwatchMessageSchema, ack: ZAgentUnwatchAckSchema },
  subscribe: { message: ZSubscribeMessageSchema, ack: ZSubscribeAckSchema },
  unsubscribe: { message: ZUnsubscribeMessageSchema, ack: ZUnsubscribeAckSchema },
  "auth.refresh": { message: ZAuthRefreshMessageSchema, ack: ZAuthRefreshAckSchema },
} as const;

/* ---------------- types ---------------- */

export type ServerSocketCatalog = typeof SERVER_SOCKET_MESSAGES;
export type ClientSocketCatalog = typeof CLIENT_SOCKET_MESSAGES;
export type ServerMessageType = keyof ServerSocketCatalog;
export type ClientMessageType = keyof ClientSocketCatalog;
export type ServerMessage<K extends ServerMessageType> = z.infer<ServerSocketCatalog[K]["message"]>;
export type ClientMessage<K extends ClientMessageType> = z.infer<ClientSocketCatalog[K]["message"]>;
export type ClientMessageAck<K extends ClientMessageType> = z.infer<ClientSocketCatalog[K]["ack"]>;

/** Socket.IO event map of what the server emits (for typed `socket.io-client` sockets). */
export type ServerToClientEvents = {
  event: (message: ServerMessage<"event">) => void;
  "agent.stream": (message: ServerMessage<"agent.stream">) => void;
  resync_required: (message: ServerMessage<"resync_required">) => void;
  subscription_ended: (message: ServerMessage<"subscription_ended">) => void;
  "auth.expiring": (message: ServerMessage<"auth.expiring">) => void;
};
/** Socket.IO event map of what a well-behaved client emits. */
export type ClientToServerEvents = {
  [K in ClientMessageType]: (message: ClientMessage<K>, ack: (ack: ClientMessageAck<K>) => void) => void;
};

export type SocketParseResult<T> = { ok: true; message: T } | { ok: false; reason: string };

/** Parse one inbound message against its catalog entry; never throws. */
export function parseSocketMessage<TSchema extends z.ZodType>(schema: TSchema, input: unknown): SocketParseResult<z.infer<TSchema>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, message: result.data };
  return { ok: false, reason: result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ") };
}
