import type { NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "./logger.ts";

/** Tracks whether the NATS connection is up, for /readyz; outages are logged, never fatal. */
export function watchNatsLink(nc: NatsConnection, logger: Logger): { connected: () => boolean } {
  let connected = true;
  void (async () => {
    for await (const status of nc.status()) {
      switch (status.type) {
        case "disconnect":
          connected = false;
          logger.warn({ server: status.server }, "nats disconnected");
          break;
        case "reconnect":
          connected = true;
          logger.info({ server: status.server }, "nats reconnected");
          break;
        case "close":
          connected = false;
          break;
        default:
          break;
      }
    }
  })();
  return { connected: () => connected && !nc.isClosed() };
}
