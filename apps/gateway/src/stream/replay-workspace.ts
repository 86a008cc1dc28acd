import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { nanos } from "@nats-io/nats-core";
import type { NatsConnection } from "@nats-io/transport-node";
import { workspaceSubjectFilter } from "@spine/contracts";
import { decodeStreamMessage, type DecodeResult } from "./decode-stream-message.ts";
import { nextMatchingSequence } from "./next-matching-sequence.ts";
import { readStreamBounds } from "./stream-bounds.ts";

export interface ReplayRequest {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
  subjectPrefix: string;
  workspaceId: string;
  /** Replay the workspace's envelopes with a sequence after this one… */
  afterSeq: number;
  /** …up to and including this one; the live tail holds everything after it for the subscriber. */
  untilSeq: number;
  maxReplay: number;
  pageSize: number;
}

export type ReplayPlan =
  | { kind: "resync"; reason: "history_exhausted" | "cursor_unknown" }
  | { kind: "replay"; pages: () => AsyncGenerator<DecodeResult[], ReplayEnd>; close: () => Promise<void> };

/** How a replay ended: all of it, or history aged out under it (never a silent hole). */
export type ReplayEnd = { complete: true } | { complete: false; reason: "history_exhausted" };

/**
 * Plan a replay of one workspace's envelopes in (afterSeq, untilSeq] from the stream: an
 * ephemeral, unacknowledged pull consumer filtered to the workspace reads them in pages. Its
 * pending count only sizes the pulls; whether anything is left is asked of the stream itself.
 */
export async function planReplay(req: ReplayRequest): Promise<ReplayPlan> {
  const bounds = await readStreamBounds(req.jsm, req.stream);
  if (req.afterSeq > bounds.lastSeq) return { kind: "resync", reason: "cursor_unknown" };
  if (req.afterSeq + 1 < bounds.firstSeq) return { kind: "resync", reason: "history_exhausted" };
  if (req.afterSeq >= req.untilSeq) return emptyPlan();

  const filter = workspaceSubjectFilter(req.workspaceId, req.subjectPrefix);
  const info = await req.jsm.consumers.add(req.stream, {
    filter_subject: filter,
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: req.afterSeq + 1,
    ack_policy: AckPolicy.None,
    mem_storage: true,
    num_replicas: 1,
    inactive_threshold: nanos(30_000),
  });
  const close = async () => {
    await req.jsm.consumers.delete(req.stream, info.name).catch(() => false);
  };
  if (info.num_pending > req.maxReplay) {
    await close();
    return { kind: "resync", reason: "history_exhausted" };
  }
  const consumer = req.js.consumers.getConsumerFromInfo(info);

  async function* pages(): AsyncGenerator<DecodeResult[], ReplayEnd> {
    let lastRead = req.afterSeq;
    let expected = info.num_pending;
    while (lastRead < req.untilSeq) {
      if (expected <= 0) {
        const next = await nextMatchingSequence(req.nc, req.stream, lastRead + 1, filter);
        if (next === null) {
          // Nothing left: fine, unless what we still needed aged out of the stream.
          const { firstSeq } = await readStreamBounds(req.jsm, req.stream);
          return firstSeq > lastRead + 1 && firstSeq <= req.untilSeq ? { complete: false, reason: "history_exhausted" } : { complete: true };
        }
        if (next > req.untilSeq) return { complete: true };
        expected = Math.max(1, (await consumer.info()).num_pending);
      }
      const batch = await consumer.fetch({ max_messages: Math.min(req.pageSize, expected), expires: 5_000 });
      const page: DecodeResult[] = [];
      for await (const msg of batch) {
        page.push(decodeStreamMessage({ seq: msg.seq, subject: msg.subject, data: msg.data }, req.subjectPrefix));
      }
      // Anything unread that aged out before this fetch would be skipped silently: refuse instead.
      const { firstSeq } = await readStreamBounds(req.jsm, req.stream);
      if (firstSeq > lastRead + 1 || page.length === 0) return { complete: false, reason: "history_exhausted" };
      expected -= page.length;
      lastRead = page[page.length - 1]?.seq ?? lastRead;
      yield page.filter((m) => m.seq <= req.untilSeq);
    }
    return { complete: true };
  }
  return { kind: "replay", pages, close };
}

function emptyPlan(): ReplayPlan {
  // eslint-disable-next-line require-yield
  async function* pages(): AsyncGenerator<DecodeResult[], ReplayEnd> {
    return { complete: true };
  }
  return { kind: "replay", pages, close: async () => undefined };
}
