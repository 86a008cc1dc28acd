import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";

/** Every message in a stream, as the event_id each carries (read with an ordered consumer). */
export async function streamEventIds(nc: NatsConnection, stream: string): Promise<string[]> {
  const jsm = await jetstreamManager(nc);
  const total = (await jsm.streams.info(stream)).state.messages;
  const ids: string[] = [];
  if (total === 0) return ids;
  const consumer = await jetstream(nc).consumers.get(stream);
  const messages = await consumer.consume({ max_messages: 1_000 });
  for await (const m of messages) {
    ids.push((m.json<{ event_id: string }>()).event_id);
    if (m.info.pending === 0 || ids.length >= total) break;
  }
  await messages.close();
  return ids;
}

/** Count of messages in the stream. */
export async function streamMessageCount(nc: NatsConnection, stream: string): Promise<number> {
  const jsm = await jetstreamManager(nc);
  return (await jsm.streams.info(stream)).state.messages;
}
