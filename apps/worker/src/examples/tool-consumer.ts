// An internal tool: reads its granted events through its own durable consumer and resumes after a restart.
// TOOL_NAME and TOOL_SEED come from `pnpm spine tools grant`; the consumer from `pnpm spine tools consumer create`.
import { jetstream } from "@nats-io/jetstream";
import { connect, nkeyAuthenticator } from "@nats-io/transport-node";

const tool = process.env.TOOL_NAME ?? "";
const nc = await connect({
  servers: process.env.NATS_URL ?? "nats://127.0.0.1:4223",
  authenticator: nkeyAuthenticator(new TextEncoder().encode(process.env.TOOL_SEED ?? "")),
  inboxPrefix: `_INBOX_tool_${tool}`, // the only reply subjects this tool may use
});
const consumer = await jetstream(nc).consumers.get("EVENTS", `tool_${tool}`);
const messages = await consumer.consume();
process.once("SIGTERM", () => void messages.close());
for await (const m of messages) {
  const event = m.json<{ event_id: string; type: string; workspace_id: string }>();
  console.log(JSON.stringify({ seq: m.seq, subject: m.subject, event_id: event.event_id, type: event.type }));
  await m.ackAck(); // acknowledged: the durable never hands it to this tool again
}
await nc.close();
