import { AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { nanos } from "@nats-io/nats-core";
import { workspaceSubjectFilter } from "@spine/contracts";
import { decodeStreamMessage, type DecodeResult } from "./decode-stream-message.ts";
import { readStreamBounds } from "./stream-bounds.ts";

export interface ReplayRequest {
  js: JetStreamClient;
  jsm: JetStreamManager;
  stream: string;
  subjectPrefix: string;
  workspaceId: string;
  /** Replay every envelope of the workspace with a sequence after this one. */
  afterSeq: number;
  maxReplay: number;
  pageSize: number;
}

export type ReplayPlan =
  | { kind: "resync"; reason: "history_exhausted" | "cursor_unknown" }
  | { kind: "replay"; total: number; pages: () => AsyncGenerator<DecodeResult[], ReplayEnd>; close: () => Promise<void> };

/** How a replay ended: all of it, or history aged out under it (never a silent hole). */
export type ReplayEnd = { complete: true } | { complete: false; reason: "history_exhausted" };

/**
 * Plan a replay of one workspace's envelopes after a cursor: an ephemeral, unacknowledged pull
 * consumer filtered to the workspace, whose pending count fixes how many messages to read. What
 * arrives after that belongs to the live tail.
 */
export async function planReplay(req: ReplayRequest): Promise<ReplayPlan> {
  const bounds = await readStreamBounds(req.jsm, req.stream);
  if (req.afterSeq > bounds.lastSeq) return { kind: "resync", reason: "cursor_unknown" };
  if (req.afterSeq + 1 < bounds.firstSeq) return { kind: "resync", reason: "history_exhausted" };
  if (req.afterSeq === bounds.lastSeq) return emptyPlan();

  const info = await req.jsm.consumers.add(req.stream, {
    filter_subject: workspaceSubjectFilter(req.workspaceId, req.subjectPrefix),
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
  if (info.num_pending === 0) {
    await close();
    return emptyPlan();
  }
  const consumer = req.js.consumers.getConsumerFromInfo(info);
  const total = info.num_pending;

  async function* pages(): AsyncGenerator<DecodeResult[], ReplayEnd> {
    let read = 0;
    let lastSeq = req.afterSeq;
    while (read < total) {
      const batch = await consumer.fetch({ max_messages: Math.min(req.pageSize, total - read), expires: 5_000 });
      const page: DecodeResult[] = [];
      for await (const msg of batch) {
        page.push(decodeStreamMessage({ seq: msg.seq, subject: msg.subject, data: msg.data }, req.subjectPrefix));
      }
      // Anything unread that aged out before this fetch would be skipped silently: refuse instead.
      const { firstSeq } = await readStreamBounds(req.jsm, req.stream);
      if (firstSeq > lastSeq + 1) return { complete: false, reason: "history_exhausted" };
      if (page.length === 0) return { complete: false, reason: "history_exhausted" };
      read += page.length;
      lastSeq = page[page.length - 1]?.seq ?? lastSeq;
      yield page;
    }
    return { complete: true };
  }
  return { kind: "replay", total, pages, close };
}

function emptyPlan(): ReplayPlan {
  // eslint-disable-next-line require-yield
  async function* pages(): AsyncGenerator<DecodeResult[], ReplayEnd> {
    return { complete: true };
  }
  return { kind: "replay", total: 0, pages, close: async () => undefined };
}
