import { Counter, Gauge, type Registry } from "@spine/metrics";

type Snapshot = () => Record<string, number | string | boolean>;

/** Prometheus series → the snapshot key they read, at scrape time. */
const COUNTERS: [name: string, key: string, help: string][] = [
  ["spine_gateway_connections_total", "connections_total", "Socket connections accepted."],
  ["spine_gateway_auth_rejected_total", "auth_rejected", "Handshakes refused (bad, expired or revoked token)."],
  ["spine_gateway_subscribe_rejected_total", "subscribe_rejected", "Subscribe requests refused (not a member, bad id)."],
  ["spine_gateway_subscriptions_ended_total", "subscriptions_ended", "Subscriptions ended by an access change (membership removed, workspace deleted)."],
  ["spine_gateway_deliveries_total", "deliveries", "Envelopes emitted to sockets (live and replayed)."],
  ["spine_gateway_replayed_deliveries_total", "replayed_deliveries", "Of those, envelopes replayed on resume."],
  ["spine_gateway_resyncs_total", "resync_required", "Subscriptions told resync_required (gap beyond the replay limit, slow client, tail gap)."],
  ["spine_gateway_slow_client_cutoffs_total", "slow_client_cutoffs", "Sockets whose transport held more than the limit and were cut off with resync_required."],
  ["spine_gateway_dropped_envelopes_total", "drops", "Envelopes not sent to sockets cut off as too slow."],
  ["spine_gateway_envelopes_read_total", "envelopes_read", "Envelopes read from the stream by the live tail."],
  ["spine_gateway_envelopes_invalid_total", "envelopes_invalid", "Stream messages that failed the envelope contract and were skipped."],
  ["spine_gateway_token_expiry_disconnects_total", "token_expiry_disconnects", "Sockets disconnected because their token expired."],
  ["spine_gateway_sessions_revoked_total", "sessions_revoked", "Sockets cut off because their session was revoked."],
  ["spine_gateway_tail_restarts_total", "tail_restarts", "Times the live tail (re)started its stream consumer."],
];
const GAUGES: [name: string, key: string, help: string][] = [
  ["spine_gateway_connections", "connections_open", "Open socket connections."],
  ["spine_gateway_subscriptions", "subscriptions_active", "Active workspace subscriptions."],
  ["spine_gateway_buffered_packets", "buffered_packets", "Packets the sockets' transports hold waiting behind their TCP sockets (bounded by maxQueue per socket)."],
  ["spine_gateway_buffered_bytes", "buffered_bytes", "Bytes the sockets' TCP sockets hold unsent in the gateway (bounded by maxBufferedBytes per socket, plus one flush)."],
  ["spine_gateway_stream_sequence", "last_stream_sequence", "Last stream sequence the live tail read."],
];

/** Serve the gateway's counters as Prometheus series: each value is read from `snapshot` at scrape time. */
export function registerGatewayMetrics(registry: Registry, snapshot: Snapshot): void {
  const read = (key: string): number => {
    const value = Number(snapshot()[key] ?? 0);
    return Number.isFinite(value) ? value : 0;
  };
  for (const [name, key, help] of COUNTERS) {
    new Counter({
      name, help, registers: [registry],
      collect() {
        this.reset();
        this.inc(Math.max(0, read(key)));
      },
    });
  }
  for (const [name, key, help] of GAUGES) {
    new Gauge({
      name, help, registers: [registry],
      collect() {
        this.set(read(key));
      },
    });
  }
}
