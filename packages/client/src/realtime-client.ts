import {
  SOCKET_PROTOCOL_VERSION,
  ZAuthExpiringMessageSchema,
  ZAuthRefreshAckSchema,
  ZEventFrameSchema,
  ZResyncRequiredMessageSchema,
  ZSubscribeAckSchema,
  ZSubscriptionEndedMessageSchema,
  ZUnsubscribeAckSchema,
  safeParseEnvelope,
  type AnyEnvelope,
  type ClientToServerEvents,
  type EventType,
  type ServerToClientEvents,
  type TCursor,
} from "@spine/contracts";
import { io, type Socket } from "socket.io-client";
import { isAfter } from "./realtime-cursor.ts";
import { Listeners } from "./realtime-listeners.ts";
import {
  RealtimeError,
  type AnyEnvelopeHandler,
  type EnvelopeHandler,
  type EventMeta,
  type RealtimeClient,
  type RealtimeClientOptions,
  type ResyncRequired,
  type SubscriptionEnded,
} from "./realtime-types.ts";

interface WantedSubscription {
  cursor: TCursor | null;
  /** The gateway accepted it on the current connection. */
  active: boolean;
  /**
   * An event's `prev` showed envelopes missing before it, and a resume from `cursor` was asked for: no
   * second one is sent until it is answered. (What is taken meanwhile is decided by `prev` alone: an event
   * whose predecessor is past the cursor is never taken, so nothing after the hole is taken before the
   * replay fills it — whenever the answer's own continuation happens to run.)
   */
  resuming: boolean;
  waiters: { resolve: (v: { cursor: TCursor }) => void; reject: (e: RealtimeError) => void }[];
}

const version = SOCKET_PROTOCOL_VERSION;
const ignore = (): void => undefined;

/**
 * Typed realtime client for the Spine gateway. Subscriptions and their cursors survive
 * reconnects: on every connect each workspace is subscribed again with its last cursor, so the
 * gateway replays what was missed, in order; duplicates (by cursor) are dropped here too.
 */
export function createRealtimeClient(options: RealtimeClientOptions): RealtimeClient {
  const timeout = options.requestTimeoutMs ?? 10_000;
  const wanted = new Map<string, WantedSubscription>();
  const byType = new Map<string, Listeners<[AnyEnvelope, EventMeta]>>();
  const any = new Listeners<[AnyEnvelope, EventMeta]>();
  const resyncs = new Listeners<[ResyncRequired]>();
  const ended = new Listeners<[SubscriptionEnded]>();
  const errors = new Listeners<[RealtimeError]>();
  let closed = false;
  let userDisconnected = options.autoConnect === false;

  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(options.url, {
    transports: ["websocket"],
    autoConnect: options.autoConnect ?? true,
    reconnectionDelay: options.reconnectDelayMs ?? 250,
    reconnectionDelayMax: options.reconnectDelayMaxMs ?? 5_000,
    auth: (cb) => {
      Promise.resolve()
        .then(() => options.getToken())
        .then(
          (token) => cb({ token }),
          (err: unknown) => {
            report(new RealtimeError("UNAUTHENTICATED", "getToken failed", { cause: err }));
            cb({});
          },
        );
    },
  });

  // What an app's handler throws is reported through onError, never thrown into the socket's loop.
  const handlerThrew = (err: unknown) => report(new RealtimeError("INTERNAL", "an event handler threw", { cause: err }));
  const report = (error: RealtimeError) => {
    errors.emit(ignore, error);
  };

  for (const [workspaceId, cursor] of Object.entries(options.cursors ?? {})) {
    wanted.set(workspaceId, { cursor, active: false, resuming: false, waiters: [] });
  }

  async function sendSubscribe(workspaceId: string, sub: WantedSubscription): Promise<void> {
    let raw: unknown;
    try {
      raw = await socket.timeout(timeout).emitWithAck("subscribe", { version, type: "subscribe", payload: { workspace_id: workspaceId, cursor: sub.cursor } });
    } catch (err) {
      // Timed out or disconnected: the next connect subscribes again.
      if (!socket.connected) return;
      // A resume after a hole must go through before any later event is taken: ask again.
      if (sub.resuming) return resubscribe(workspaceId, 1_000);
      settle(sub, new RealtimeError("TIMEOUT", "subscribe timed out", { cause: err }));
      return;
    }
    if (wanted.get(workspaceId) !== sub) return;
    const ack = ZSubscribeAckSchema.safeParse(raw);
    // A newer subscribe for this workspace replaced this one; its answer settles the waiters.
    if (ack.success && !ack.data.ok && ack.data.error.code === "CONFLICT") return;
    sub.resuming = false;
    if (!ack.success) return settle(sub, new RealtimeError("INTERNAL", "malformed subscribe answer"));
    if (!ack.data.ok) {
      wanted.delete(workspaceId);
      return settle(sub, new RealtimeError(ack.data.error.code, ack.data.error.message));
    }
    sub.cursor ??= ack.data.cursor;
    sub.active = true;
    settle(sub, { cursor: sub.cursor });
  }

  function settle(sub: WantedSubscription, outcome: { cursor: TCursor } | RealtimeError): void {
    const waiters = sub.waiters;
    sub.waiters = [];
    for (const w of waiters) {
      if (outcome instanceof RealtimeError) w.reject(outcome);
      else w.resolve(outcome);
    }
  }

  function resubscribe(workspaceId: string, delayMs = 0): void {
    const sub = wanted.get(workspaceId);
    if (!sub) return;
    setTimeout(() => {
      if (socket.connected && wanted.get(workspaceId) === sub) void sendSubscribe(workspaceId, sub);
    }, delayMs);
  }

  socket.on("connect", () => {
    for (const [workspaceId, sub] of wanted) void sendSubscribe(workspaceId, sub);
  });

  socket.on("disconnect", (reason) => {
    for (const sub of wanted.values()) {
      sub.active = false;
      sub.resuming = false;
    }
    // The gateway dropped us (e.g. token expiry): reconnect with a fresh token unless we chose to leave.
    if (reason === "io server disconnect" && !closed && !userDisconnected) setTimeout(() => socket.connect(), options.reconnectDelayMs ?? 250);
  });

  socket.on("connect_error", (err) => {
    const data: unknown = "data" in err ? err.data : undefined;
    const code = typeof data === "object" && data !== null && "code" in data && data.code === "UNAUTHENTICATED" ? "UNAUTHENTICATED" : "INTERNAL";
    report(new RealtimeError(code, err.message, { cause: err }));
    if (code === "UNAUTHENTICATED") for (const sub of wanted.values()) settle(sub, new RealtimeError(code, "connection refused"));
  });

  // One check of the frame and one of the envelope, against its event type's contract.
  socket.on("event", (raw) => {
    const parsed = ZEventFrameSchema.safeParse(raw);
    if (!parsed.success) return report(new RealtimeError("BAD_REQUEST", "malformed event message skipped"));
    const { payload, cursor, prev } = parsed.data;
    const envelope = safeParseEnvelope(payload);
    if (!envelope.ok) return report(new RealtimeError("BAD_REQUEST", envelope.error.message));
    const workspaceId = envelope.envelope.workspace_id;
    const sub = workspaceId === null ? undefined : wanted.get(workspaceId);
    if (!sub || workspaceId === null || !isAfter(cursor, sub.cursor)) return;
    if (prev !== null && sub.cursor !== null && isAfter(prev, sub.cursor)) {
      // Envelopes between our cursor and this one never arrived: take nothing past the hole, and resume
      // from the cursor once (the gateway replays them, each naming its predecessor, from the cursor on).
      if (sub.resuming) return;
      sub.resuming = true;
      sub.active = false;
      return void sendSubscribe(workspaceId, sub);
    }
    sub.cursor = cursor;
    const meta: EventMeta = { workspaceId, cursor };
    byType.get(envelope.envelope.event_type)?.emit(handlerThrew, envelope.envelope, meta);
    any.emit(handlerThrew, envelope.envelope, meta);
  });

  socket.on("resync_required", (raw) => {
    const parsed = ZResyncRequiredMessageSchema.safeParse(raw);
    if (!parsed.success) return report(new RealtimeError("BAD_REQUEST", "malformed resync message skipped"));
    const { workspace_id: workspaceId, reason } = parsed.data.payload;
    const sub = wanted.get(workspaceId);
    if (!sub) return;
    sub.active = false;
    switch (reason) {
      case "client_too_slow":
        return resubscribe(workspaceId);
      case "gateway_unavailable":
        return resubscribe(workspaceId, 1_000);
      case "history_exhausted":
      case "cursor_unknown":
        sub.cursor = null;
        resyncs.emit(handlerThrew, { workspaceId, reason });
        return resubscribe(workspaceId);
    }
  });

  socket.on("subscription_ended", (raw) => {
    const parsed = ZSubscriptionEndedMessageSchema.safeParse(raw);
    if (!parsed.success) return report(new RealtimeError("BAD_REQUEST", "malformed subscription_ended skipped"));
    const { workspace_id: workspaceId, reason } = parsed.data.payload;
    if (!wanted.delete(workspaceId)) return;
    ended.emit(handlerThrew, { workspaceId, reason });
  });

  socket.on("auth.expiring", (raw) => {
    if (!ZAuthExpiringMessageSchema.safeParse(raw).success) return;
    void refreshToken();
  });

  async function refreshToken(): Promise<void> {
    try {
      const token = await options.getToken();
      const raw: unknown = await socket.timeout(timeout).emitWithAck("auth.refresh", { version, type: "auth.refresh", payload: { token } });
      const ack = ZAuthRefreshAckSchema.safeParse(raw);
      if (!ack.success || !ack.data.ok) report(new RealtimeError("UNAUTHENTICATED", "token refresh refused"));
    } catch (err) {
      report(new RealtimeError("UNAUTHENTICATED", "token refresh failed", { cause: err }));
    }
  }

  return {
    subscribe(workspaceId) {
      if (closed) return Promise.reject(new RealtimeError("CLOSED", "client closed"));
      const existing = wanted.get(workspaceId);
      if (existing?.active && existing.cursor !== null) return Promise.resolve({ cursor: existing.cursor });
      const target = existing ?? { cursor: null, active: false, resuming: false, waiters: [] };
      wanted.set(workspaceId, target);
      const result = new Promise<{ cursor: TCursor }>((resolve, reject) => target.waiters.push({ resolve, reject }));
      // One request in flight per workspace; a connect sends it otherwise.
      if (socket.connected && target.waiters.length === 1) void sendSubscribe(workspaceId, target);
      return result;
    },
    async unsubscribe(workspaceId) {
      const sub = wanted.get(workspaceId);
      if (!sub) return;
      wanted.delete(workspaceId);
      settle(sub, new RealtimeError("CLOSED", "unsubscribed"));
      if (!socket.connected) return;
      const raw: unknown = await socket.timeout(timeout).emitWithAck("unsubscribe", { version, type: "unsubscribe", payload: { workspace_id: workspaceId } });
      const ack = ZUnsubscribeAckSchema.safeParse(raw);
      if (!ack.success || !ack.data.ok) throw new RealtimeError("INTERNAL", "unsubscribe failed");
    },
    on<T extends EventType>(type: T, handler: EnvelopeHandler<T>) {
      let set = byType.get(type);
      if (!set) {
        set = new Listeners();
        byType.set(type, set);
      }
      // The registry guarantees an envelope of `type` carries EnvelopeOf<T>.
      return set.add(handler as unknown as AnyEnvelopeHandler);
    },
    onAny: (handler) => any.add(handler),
    onResyncRequired: (handler) => resyncs.add(handler),
    onSubscriptionEnded: (handler) => ended.add(handler),
    onError: (handler) => errors.add(handler),
    cursor: (workspaceId) => wanted.get(workspaceId)?.cursor ?? null,
    get connected() {
      return socket.connected;
    },
    connect() {
      userDisconnected = false;
      if (!closed) socket.connect();
    },
    disconnect() {
      userDisconnected = true;
      socket.disconnect();
    },
    close() {
      closed = true;
      socket.disconnect();
      for (const sub of wanted.values()) settle(sub, new RealtimeError("CLOSED", "client closed"));
    },
  };
}
