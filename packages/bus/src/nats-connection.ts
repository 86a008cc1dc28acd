import { connect, type NatsConnection } from "@nats-io/transport-node";
import { natsInboxPrefix } from "./nats-auth.ts";

/** `NATS_URL` may list several servers (the nodes of a cluster), comma-separated. */
export function natsServers(servers: string | string[]): string[] {
  return (Array.isArray(servers) ? servers : [servers]).flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean);
}

export interface NatsConnectOptions {
  /** One URL, several comma-separated, or a list. */
  servers: string | string[];
  name: string;
  user?: string;
  pass?: string;
  /** Reply subjects of this connection; defaults to `_INBOX_<user>` for a user (infra/nats allows a user only its own). */
  inboxPrefix?: string;
}

/** A connection that keeps reconnecting forever: a NATS outage is waited out, never fatal. */
export function connectNats(options: NatsConnectOptions): Promise<NatsConnection> {
  const inboxPrefix = options.inboxPrefix ?? (options.user ? natsInboxPrefix(options.user) : undefined);
  return connect({
    servers: natsServers(options.servers),
    name: options.name,
    ...(options.user ? { user: options.user, pass: options.pass ?? "" } : {}),
    ...(inboxPrefix ? { inboxPrefix } : {}),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
    // No Error object made up front for every request (a `js.publish`, an `nc.request`): by default nats.js
    // builds two per call, a RequestError and a TimeoutError, to remember where it started — a third of the
    // relay's CPU per event when it still published with `js.publish` (it now uses `publishPipelined`). Errors
    // still carry their message and cause; a timeout's stack is the timer's.
    noAsyncTraces: true,
  });
}
