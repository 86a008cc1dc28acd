import type { GatewayResources } from "../gateway-resources.ts";
import type { SocketSink } from "../delivery/socket-sink.ts";
import type { Subscription } from "../delivery/subscription.ts";
import { planReplay, type ReplayEnd } from "../stream/replay-workspace.ts";
import type { TResyncReason } from "@spine/contracts";

/**
 * Replay a workspace's envelopes after the client's cursor from the stream, paced to the
 * socket, then switch the subscription to live. Resolves with a resync reason when the gap
 * cannot be served, so the caller tells the client instead of leaving a hole.
 */
export async function resumeSubscription(
  r: GatewayResources,
  sink: SocketSink,
  sub: Subscription,
  afterSeq: number,
): Promise<TResyncReason | null> {
  sub.startReplay(afterSeq);
  const { limits, stream, subjectPrefix } = r.config;
  const plan = await planReplay({
    nc: r.nc,
    js: r.js,
    jsm: r.jsm,
    stream,
    subjectPrefix,
    workspaceId: sub.workspaceId,
    afterSeq,
    untilSeq: sub.registeredAt,
    maxReplay: limits.maxReplay,
    pageSize: Math.max(1, Math.min(limits.replayPageSize, Math.floor(limits.maxQueue / 2))),
  });
  if (plan.kind === "resync") return plan.reason;
  try {
    const pages = plan.pages();
    let end: ReplayEnd | null = null;
    while (sub.state === "replaying") {
      const next = await pages.next();
      if (next.done) {
        end = next.value;
        break;
      }
      for (const decoded of next.value) {
        if (!decoded.ok) {
          r.metrics.envelopesInvalid += 1;
          r.logger.error({ seq: decoded.seq, subject: decoded.subject, reason: decoded.reason }, "invalid envelope in replay; skipped");
          continue;
        }
        // Paced per envelope, not per page: a page of large envelopes must not overrun the socket's bounds
        // by itself (that would cut a healthy client off in the middle of its own replay).
        if (!sink.hasRoom()) await sink.waitForRoom(sub.signal);
        sub.offerReplayed(decoded.value);
      }
    }
    if (sub.state !== "replaying" || end === null) return null;
    if (!end.complete) return end.reason;
    r.logger.info({ workspace_id: sub.workspaceId, after: afterSeq, until: sub.registeredAt, last_replayed: sub.lastOffered }, "replay complete; live");
    // What the tail held meanwhile goes out at once: make room for it first.
    await sink.waitForRoom(sub.signal);
    if (sub.state !== "replaying") return null;
    sub.goLive(r.tail.position);
    return null;
  } finally {
    await plan.close();
  }
}
