import { connect, type NatsConnection } from "@nats-io/transport-node";

export interface NatsConnectOptions {
  servers: string | string[];
  name: string;
  user?: string;
  pass?: string;
}

/** A connection that keeps reconnecting forever: a NATS outage is waited out, never fatal. */
export function connectNats(options: NatsConnectOptions): Promise<NatsConnection> {
  return connect({
    servers: options.servers,
    name: options.name,
    ...(options.user ? { user: options.user, pass: options.pass ?? "" } : {}),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
  });
}
