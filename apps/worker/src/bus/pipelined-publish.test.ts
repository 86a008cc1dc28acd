import { randomUUID } from "node:crypto";
import { connectNats, ensureEventsStream, publishPipelined } from "@spine/bus";
import { describe, expect } from "vitest";
import { busTest } from "./test-support/bus-fixtures.ts";

const it = busTest.extend("names", { scope: "file" }, async ({ jsm, natsNames }) => {
  await ensureEventsStream(jsm, { name: natsNames.stream, prefix: natsNames.prefix, duplicateWindowMs: 60_000 });
  return natsNames;
});

describe("publishPipelined (the relay's JetStream publishes)", () => {
  it("answers one outcome per message in order: stored, duplicate by Nats-Msg-Id, no stream for the subject", async ({ nats, jsm, names }) => {
    const ids = [randomUUID(), randomUUID()];
    const subject = `${names.prefix}.${randomUUID()}.project.created`;
    let sentAt = -1;
    const outcomes = await publishPipelined(
      nats,
      [
        { subject, data: JSON.stringify({ n: 0 }), msgId: ids[0]! },
        { subject, data: JSON.stringify({ n: 1 }), msgId: ids[1]! },
        { subject, data: JSON.stringify({ n: 0, again: true }), msgId: ids[0]! },
        { subject: `nostream${names.suffix}.x`, data: "{}", msgId: randomUUID() },
      ],
      { timeoutMs: 5_000, onSent: () => (sentAt = Date.now()) },
    );
    expect(sentAt).toBeGreaterThan(0);
    expect(outcomes).toEqual([
      { ok: true, duplicate: false },
      { ok: true, duplicate: false },
      { ok: true, duplicate: true },
      { ok: false, error: expect.stringContaining("no responders") as string },
    ]);
    // The stream holds each id once, with the first body.
    const stored = await jsm.streams.getMessage(names.stream, { last_by_subj: subject });
    expect(stored?.json<{ n: number }>()).toEqual({ n: 1 });
    expect((await jsm.streams.info(names.stream)).state.messages).toBe(2);
  });

  it("a message the server refuses (larger than max_payload) fails alone; the ones around it are stored", async ({ nats, jsm, names }) => {
    const subject = `${names.prefix}.${randomUUID()}.project.created`;
    const tooLarge = "x".repeat((nats.info?.max_payload ?? 1024 * 1024) + 1);
    const outcomes = await publishPipelined(
      nats,
      [
        { subject, data: "{\"n\":1}", msgId: randomUUID() },
        { subject, data: tooLarge, msgId: randomUUID() },
        { subject, data: "{\"n\":3}", msgId: randomUUID() },
      ],
      { timeoutMs: 5_000 },
    );
    expect(outcomes).toEqual([
      { ok: true, duplicate: false },
      { ok: false, error: expect.stringContaining("max_payload") as string },
      { ok: true, duplicate: false },
    ]);
    expect((await jsm.streams.getMessage(names.stream, { last_by_subj: subject }))?.json<{ n: number }>()).toEqual({ n: 3 });
  });

  it("an empty batch answers at once; a closed connection fails every message with its reason instead of throwing", async ({ nats, natsUrl, names }) => {
    expect(await publishPipelined(nats, [], { timeoutMs: 1_000 })).toEqual([]);
    const closed = await connectNats({ servers: natsUrl, name: "closed" });
    await closed.close();
    const outcomes = await publishPipelined(closed, [{ subject: `${names.prefix}.x.project.created`, data: "{}", msgId: randomUUID() }], { timeoutMs: 1_000 });
    expect(outcomes).toEqual([{ ok: false, error: expect.stringMatching(/closed/i) as string }]);
  });
});
