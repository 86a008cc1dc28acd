/** Process-local counters and gauges; `Gateway.metrics()` snapshots them, `prometheus.ts` serves them at the admin port's /metrics. */
export class GatewayMetrics {
  connectionsOpen = 0;
  connectionsTotal = 0;
  authRejected = 0;
  subscriptionsActive = 0;
  subscribeRejected = 0;
  /** Envelopes read from the stream by the live tail. */
  envelopesRead = 0;
  /** Stream messages that failed their contract and were skipped. */
  envelopesInvalid = 0;
  /** Envelopes emitted to sockets (live and replayed). */
  deliveries = 0;
  replayedDeliveries = 0;
  /** Envelopes not sent to a socket because it was cut off as too slow (the one that found it full). */
  drops = 0;
  resyncRequired = 0;
  /** Sockets whose transport held more than the limit (a slow client): its subscriptions were cut off with `resync_required`. */
  slowClientCutoffs = 0;
  subscriptionsEnded = 0;
  tokenExpiryDisconnects = 0;
  /** Sockets cut off because their user was signed out everywhere or deleted. */
  sessionsRevoked = 0;
  lastStreamSequence = 0;

  snapshot(extra: Record<string, number | string | boolean> = {}): Record<string, number | string | boolean> {
    return { ...this.#counters(), ...extra };
  }

  #counters(): Record<string, number> {
    return {
      connections_open: this.connectionsOpen,
      connections_total: this.connectionsTotal,
      auth_rejected: this.authRejected,
      subscriptions_active: this.subscriptionsActive,
      subscribe_rejected: this.subscribeRejected,
      envelopes_read: this.envelopesRead,
      envelopes_invalid: this.envelopesInvalid,
      deliveries: this.deliveries,
      replayed_deliveries: this.replayedDeliveries,
      drops: this.drops,
      resync_required: this.resyncRequired,
      slow_client_cutoffs: this.slowClientCutoffs,
      subscriptions_ended: this.subscriptionsEnded,
      token_expiry_disconnects: this.tokenExpiryDisconnects,
      sessions_revoked: this.sessionsRevoked,
      last_stream_sequence: this.lastStreamSequence,
    };
  }
}
