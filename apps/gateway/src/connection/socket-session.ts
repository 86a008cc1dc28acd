import {
  SOCKET_PROTOCOL_VERSION,
  ZAgentUnwatchMessageSchema,
  ZAgentWatchMessageSchema,
  ZAuthRefreshMessageSchema,
  ZSubscribeMessageSchema,
  ZUnsubscribeMessageSchema,
  parseSocketMessage,
  type AppErrorCode,
  type ServerMessage,
  type TResyncReason,
  type TSubscriptionEndReason,
} from "@spine/contracts";
import { authenticate } from "../auth/handshake-auth.ts";
import type { WatchedSocket } from "../auth/session-watch.ts";
import { TokenExpiry, type ExpiryTarget } from "../auth/token-expiry.ts";
import { checkMembership, readAgentRunSnapshot, type TokenSession } from "@spine/domain/reads";
import { AgentWatch, MAX_AGENT_WATCHES_PER_SOCKET } from "./agent-watch.ts";
import { SocketSink, type SinkTarget, type TransportBacklog } from "../delivery/socket-sink.ts";
import { roomOf } from "../delivery/subscription-router.ts";
import { Subscription, type SubscriptionHooks } from "../delivery/subscription.ts";
import type { GatewayResources } from "../gateway-resources.ts";
import { reply, transportBacklog, type GatewaySocket } from "../socket-types.ts";
import { resumeSubscription } from "./resume-subscription.ts";

/** A socket may watch this many workspaces at once. */
const MAX_SUBSCRIPTIONS_PER_SOCKET = 100;

function failure(code: AppErrorCode, message: string) {
  return { ok: false as const, error: { code, message } };
}

/** A socket's session, set once the handshake passed, so the shared listeners below find it. */
const sessions = new WeakMap<GatewaySocket, SocketSession>();

// One listener of each kind for every socket (Socket.IO calls a listener with the socket as `this`):
// an idle connection holds no functions of its own.
function onSubscribe(this: GatewaySocket, raw: unknown, ack?: unknown): void {
  sessions.get(this)?.subscribe(raw, ack);
}
function onUnsubscribe(this: GatewaySocket, raw: unknown, ack?: unknown): void {
  sessions.get(this)?.unsubscribe(raw, ack);
}
function onAuthRefresh(this: GatewaySocket, raw: unknown, ack?: unknown): void {
  sessions.get(this)?.refresh(raw, ack);
}
function onAgentWatch(this: GatewaySocket, raw: unknown, ack?: unknown): void {
  sessions.get(this)?.watch(raw, ack);
}
function onAgentUnwatch(this: GatewaySocket, raw: unknown, ack?: unknown): void {
  sessions.get(this)?.unwatchRun(raw, ack);
}
function onDisconnect(this: GatewaySocket, reason: string): void {
  sessions.get(this)?.close(reason);
  sessions.delete(this);
}

/**
 * One authenticated socket: its subscriptions, its outbound buffer and its token deadline.
 * It is itself what its parts call back (subscription hooks, sink target, expiry target, watched
 * socket), through methods on the class rather than closures made per socket; it logs through the
 * gateway's logger with its ids as fields rather than a child logger of its own.
 */
export class SocketSession implements SubscriptionHooks, SinkTarget, ExpiryTarget, WatchedSocket {
  readonly #subs = new Map<string, Subscription>();
  /** Made on the first agent watch: most sockets never watch a run. */
  #watches: Map<string, AgentWatch> | null = null;
  readonly #sink: SocketSink;
  readonly #expiry: TokenExpiry;

  constructor(
    private readonly socket: GatewaySocket,
    private readonly r: GatewayResources,
  ) {
    this.#sink = new SocketSink(r.sinkOptions, this);
    this.#expiry = new TokenExpiry(r.config.refreshLeadMs, this);
  }

  get userId(): string {
    return this.socket.data.claims.userId;
  }

  attach(): void {
    const { socket } = this;
    this.r.metrics.connectionsOpen += 1;
    this.r.metrics.connectionsTotal += 1;
    sessions.set(socket, this);
    // What the handshake said (headers, address, auth) stays on `socket.handshake`; the raw HTTP request
    // behind the connection is not needed again, and each one held is most of a kilobyte.
    (socket.conn as unknown as { request: unknown }).request = null;
    this.#expiry.schedule(socket.data.claims.expiresAt);
    this.r.sessions.add(this);
    socket.on("subscribe", onSubscribe);
    socket.on("unsubscribe", onUnsubscribe);
    socket.on("auth.refresh", onAuthRefresh);
    socket.on("agent.watch", onAgentWatch);
    socket.on("agent.unwatch", onAgentUnwatch);
    socket.on("disconnect", onDisconnect);
    this.#log("info", {}, "socket connected");
  }

  /** Logs with the socket's ids; a level that is off costs no object. */
  #log(level: "info" | "warn" | "error", fields: Record<string, unknown>, msg: string): void {
    const { logger } = this.r;
    if (!logger.isLevelEnabled(level)) return;
    logger[level]({ socket_id: this.socket.id, user_id: this.userId, ...fields }, msg);
  }

  subscribe(raw: unknown, ack: unknown): void {
    void this.#guard("subscribe", ack, () => this.#subscribe(raw, ack));
  }

  refresh(raw: unknown, ack: unknown): void {
    void this.#guard("auth.refresh", ack, () => this.#refresh(raw, ack));
  }

  watch(raw: unknown, ack: unknown): void {
    void this.#guard("agent.watch", ack, () => this.#watch(raw, ack));
  }

  // --- SinkTarget
  sendEvent(message: ServerMessage<"event">): void {
    this.socket.emit("event", message);
  }

  backlog(): TransportBacklog {
    return transportBacklog(this.socket);
  }

  drained(maxWaitMs: number): Promise<void> {
    const transport = this.socket.conn.transport;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        transport.off("drain", done);
        resolve();
      };
      const timer = setTimeout(done, maxWaitMs);
      transport.once("drain", done);
    });
  }

  /** The transport holds more than the limit: every subscription stops until the client resumes it. */
  sinkOverflowed(): void {
    for (const sub of [...this.#subs.values()]) this.#resync(sub, "client_too_slow");
  }

  // --- ExpiryTarget
  tokenExpiring(expiresAt: Date): void {
    this.socket.emit("auth.expiring", { version: SOCKET_PROTOCOL_VERSION, type: "auth.expiring", payload: { expires_at: expiresAt.toISOString() } });
  }

  tokenExpired(): void {
    this.r.metrics.tokenExpiryDisconnects += 1;
    this.#log("info", {}, "access token expired without refresh; disconnecting");
    this.socket.disconnect(true);
  }

  // --- WatchedSocket
  claims(): TokenSession {
    return this.socket.data.claims;
  }

  /** A signed-out session, a user signed out everywhere or deleted loses open sockets too, not only new handshakes. */
  revoke(reason: Parameters<WatchedSocket["revoke"]>[0]): void {
    if (!this.socket.connected) return;
    this.r.metrics.sessionsRevoked += 1;
    this.#log("info", { reason }, "session revoked; disconnecting");
    this.socket.disconnect(true);
  }

  // --- SubscriptionHooks
  onEnd(sub: Subscription, reason: TSubscriptionEndReason): void {
    this.#end(sub, reason);
  }

  onRecheck(sub: Subscription): void {
    void this.#recheck(sub);
  }

  onTooSlow(sub: Subscription): void {
    this.#resync(sub, "client_too_slow");
  }

  onResync(sub: Subscription, reason: TResyncReason): void {
    this.#resync(sub, reason);
  }

  onReplayed(): void {
    this.r.metrics.replayedDeliveries += 1;
  }

  onLive(sub: Subscription): void {
    void this.socket.join(roomOf(sub.workspaceId));
  }

  async #guard(what: string, ack: unknown, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.#log("error", { err, request: what }, "request failed");
      reply(ack, failure("INTERNAL", "the gateway could not handle the request"));
    }
  }

  async #subscribe(raw: unknown, ack: unknown): Promise<void> {
    const parsed = parseSocketMessage(ZSubscribeMessageSchema, raw);
    if (!parsed.ok) {
      this.r.metrics.subscribeRejected += 1;
      this.#log("warn", { reason: parsed.reason }, "malformed subscribe skipped");
      reply(ack, failure("BAD_REQUEST", parsed.reason));
      return;
    }
    const { workspace_id: workspaceId, cursor } = parsed.message.payload;
    if (!this.#subs.has(workspaceId) && this.#subs.size >= MAX_SUBSCRIPTIONS_PER_SOCKET) {
      reply(ack, failure("BAD_REQUEST", `at most ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions per socket`));
      return;
    }
    const previous = this.#subs.get(workspaceId);
    if (previous) this.#drop(previous);
    // Registered before the membership check, so an access change in the stream meanwhile is applied to it.
    const sub = new Subscription(workspaceId, this.userId, this.r.tail.position, this.#sink, this.r.config.limits.maxQueue, this);
    this.#subs.set(workspaceId, sub);
    this.r.router.add(sub);

    const check = await checkMembership(this.r.pool, this.userId, workspaceId).catch((err: unknown) => {
      this.#drop(sub);
      throw err;
    });
    if (sub.closed) {
      reply(ack, failure("CONFLICT", "subscription superseded or closed"));
      return;
    }
    if (!check.member) {
      this.#drop(sub);
      this.r.metrics.subscribeRejected += 1;
      this.#log("warn", { workspace_id: workspaceId }, "subscribe refused: not a member");
      // One answer for "no such workspace" and "not yours": ids cannot be probed.
      reply(ack, failure("FORBIDDEN", "not a member of this workspace"));
      return;
    }
    sub.admit(check.membershipId);
    if (cursor === null || cursor === undefined) {
      sub.goLive(this.r.tail.position);
      reply(ack, { ok: true, workspace_id: workspaceId, cursor: String(sub.lastOffered) });
      this.#log("info", { workspace_id: workspaceId, cursor: sub.lastOffered }, "subscribed");
      return;
    }
    reply(ack, { ok: true, workspace_id: workspaceId, cursor });
    const afterSeq = Number(cursor);
    if (!Number.isSafeInteger(afterSeq)) {
      this.#resync(sub, "cursor_unknown");
      return;
    }
    this.#log("info", { workspace_id: workspaceId, cursor }, "resuming");
    const outcome = await resumeSubscription(this.r, this.#sink, sub, afterSeq).catch((err: unknown) => {
      this.#log("error", { err, workspace_id: workspaceId }, "replay failed");
      return "gateway_unavailable" as const;
    });
    if (outcome !== null && !sub.closed) this.#resync(sub, outcome);
  }

  /**
   * Watch an agent run's live steps. Only through a live subscription to the run's workspace: its
   * membership check is the authorization, and losing it (membership removed, access revoked) ends
   * the watch with the subscription. The ack carries the run's committed state; the steps published
   * after the NATS subscription was in place follow it.
   */
  async #watch(raw: unknown, ack: unknown): Promise<void> {
    const parsed = parseSocketMessage(ZAgentWatchMessageSchema, raw);
    if (!parsed.ok) {
      reply(ack, failure("BAD_REQUEST", parsed.reason));
      return;
    }
    const { workspace_id: workspaceId, run_id: runId } = parsed.message.payload;
    const sub = this.#subs.get(workspaceId);
    if (!sub || sub.closed || sub.membershipId === null) {
      reply(ack, failure("FORBIDDEN", "subscribe to the run's workspace first"));
      return;
    }
    const watches = (this.#watches ??= new Map<string, AgentWatch>());
    watches.get(runId)?.close();
    watches.delete(runId);
    if (watches.size >= MAX_AGENT_WATCHES_PER_SOCKET) {
      reply(ack, failure("BAD_REQUEST", `at most ${MAX_AGENT_WATCHES_PER_SOCKET} agent runs watched per socket`));
      return;
    }
    const watch = new AgentWatch(workspaceId, runId, this.socket, this.r, this.r.logger.child({ socket_id: this.socket.id, user_id: this.userId }));
    watches.set(runId, watch);
    try {
      await watch.ready(this.r);
      const run = await readAgentRunSnapshot(this.r.pool, this.userId, workspaceId, runId);
      if (!run) {
        this.#forget(watch);
        reply(ack, failure("NOT_FOUND", "no such agent run in this workspace"));
        return;
      }
      if (run.status === "completed" || run.status === "failed") this.#forget(watch);
      reply(ack, { ok: true, run });
      watch.open();
      this.#log("info", { workspace_id: workspaceId, run_id: runId, status: run.status }, "watching agent run");
    } catch (err) {
      this.#forget(watch);
      throw err;
    }
  }

  unwatchRun(raw: unknown, ack: unknown): void {
    const parsed = parseSocketMessage(ZAgentUnwatchMessageSchema, raw);
    if (!parsed.ok) {
      reply(ack, failure("BAD_REQUEST", parsed.reason));
      return;
    }
    const watch = this.#watches?.get(parsed.message.payload.run_id);
    if (watch) this.#forget(watch);
    reply(ack, { ok: true, run_id: parsed.message.payload.run_id });
  }

  #forget(watch: AgentWatch): void {
    watch.close();
    if (this.#watches?.get(watch.runId) === watch) this.#watches.delete(watch.runId);
  }

  unsubscribe(raw: unknown, ack: unknown): void {
    const parsed = parseSocketMessage(ZUnsubscribeMessageSchema, raw);
    if (!parsed.ok) {
      reply(ack, failure("BAD_REQUEST", parsed.reason));
      return;
    }
    const { workspace_id: workspaceId } = parsed.message.payload;
    const sub = this.#subs.get(workspaceId);
    if (sub) this.#drop(sub);
    reply(ack, { ok: true, workspace_id: workspaceId });
  }

  async #refresh(raw: unknown, ack: unknown): Promise<void> {
    const parsed = parseSocketMessage(ZAuthRefreshMessageSchema, raw);
    if (!parsed.ok) {
      reply(ack, failure("BAD_REQUEST", parsed.reason));
      return;
    }
    const result = await authenticate(this.r, parsed.message.payload.token);
    if (!result.ok || result.claims.userId !== this.userId) {
      this.#log("warn", { reason: result.ok ? "other_user" : result.reason }, "token refresh refused");
      reply(ack, failure("UNAUTHENTICATED", "token refused"));
      return;
    }
    this.socket.data.claims = result.claims;
    this.#expiry.schedule(result.claims.expiresAt);
    reply(ack, { ok: true, expires_at: result.claims.expiresAt.toISOString() });
  }

  #end(sub: Subscription, reason: TSubscriptionEndReason): void {
    if (!this.#drop(sub)) return;
    this.r.metrics.subscriptionsEnded += 1;
    this.#log("info", { workspace_id: sub.workspaceId, reason }, "subscription ended by access change");
    this.socket.emit("subscription_ended", {
      version: SOCKET_PROTOCOL_VERSION,
      type: "subscription_ended",
      payload: { workspace_id: sub.workspaceId, reason },
    });
  }

  #resync(sub: Subscription, reason: TResyncReason): void {
    if (!this.#drop(sub)) return;
    this.r.metrics.resyncRequired += 1;
    this.#log("warn", { workspace_id: sub.workspaceId, reason, last_sent: sub.lastOffered }, "resync required");
    this.socket.emit("resync_required", {
      version: SOCKET_PROTOCOL_VERSION,
      type: "resync_required",
      payload: { workspace_id: sub.workspaceId, reason, cursor: String(sub.lastOffered) },
    });
  }

  async #recheck(sub: Subscription): Promise<void> {
    const check = await checkMembership(this.r.pool, this.userId, sub.workspaceId).catch((err: unknown) => {
      this.#log("error", { err, workspace_id: sub.workspaceId }, "membership recheck failed; ending subscription");
      return { member: false as const, reason: "not_member" as const };
    });
    if (!check.member && !sub.closed) this.#end(sub, "access_revoked");
  }

  /** Stop a subscription: out of the workspace's room, its held envelopes forgotten; false if it was already gone. */
  #drop(sub: Subscription): boolean {
    if (sub.closed) return false;
    sub.close();
    this.r.router.remove(sub);
    if (this.#subs.get(sub.workspaceId) === sub) this.#subs.delete(sub.workspaceId);
    void this.socket.leave(roomOf(sub.workspaceId));
    for (const watch of [...(this.#watches?.values() ?? [])]) if (watch.workspaceId === sub.workspaceId) this.#forget(watch);
    return true;
  }

  close(reason: string): void {
    for (const sub of [...this.#subs.values()]) this.#drop(sub);
    for (const watch of [...(this.#watches?.values() ?? [])]) this.#forget(watch);
    this.#sink.close();
    this.#expiry.clear();
    this.r.sessions.remove(this);
    this.r.metrics.connectionsOpen -= 1;
    this.#log("info", { reason }, "socket disconnected");
  }
}
