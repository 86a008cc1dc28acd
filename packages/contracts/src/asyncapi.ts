import { z } from "zod";
import { ZEnvelopeSchema } from "./envelope.ts";
import { EVENT_REGISTRY } from "./registry.ts";
import { CLIENT_SOCKET_MESSAGES, SERVER_SOCKET_MESSAGES } from "./socket-messages.ts";
import { AGENT_STREAM_PREFIX, ZAgentStreamChunkSchema } from "./agent-stream.ts";
import { EVENTS_SUBJECT_PREFIX, SYSTEM_SCOPE } from "./subjects.ts";

type JsonSchema = Record<string, unknown>;

/** JSON Schema (draft-07, AsyncAPI's default schema format) of a zod schema as it travels. */
function jsonSchema(schema: z.ZodType): JsonSchema {
  const out = z.toJSONSchema(schema, { target: "draft-7", io: "output", unrepresentable: "any" }) as JsonSchema;
  delete out.$schema;
  return out;
}

const ref = (path: string) => ({ $ref: path });

export interface AsyncApiOptions {
  /** host:port of the realtime gateway, e.g. `127.0.0.1:4001`. */
  gatewayHost?: string;
  /** host:port of NATS, e.g. `127.0.0.1:4222`. */
  natsHost?: string;
  /** Subject prefix of the events stream (`evt`). */
  subjectPrefix?: string;
}

/**
 * The AsyncAPI 3.0 document of Spine's asynchronous side, generated from the contracts on every call
 * (the event registry and the socket message catalog), so it cannot drift from the code:
 * - the NATS subjects `<prefix>.<workspace id | _sys>.<event type>` with every event's envelope and
 *   payload schema — what internal tools subscribe to;
 * - the core-NATS subjects `astream.<workspace id>.<run id>` of live agent-run steps;
 * - the Socket.IO protocol of the gateway: the handshake, `subscribe` (with resume cursor),
 *   `unsubscribe`, `auth.refresh` and their acks, and what the server pushes — `event`,
 *   `resync_required`, `subscription_ended`, `auth.expiring`.
 */
export function asyncApiDocument(options: AsyncApiOptions = {}): Record<string, unknown> {
  const prefix = options.subjectPrefix ?? EVENTS_SUBJECT_PREFIX;
  const messages: Record<string, unknown> = {};
  const eventMessages: Record<string, unknown> = {};
  const envelope = jsonSchema(ZEnvelopeSchema);
  for (const def of Object.values(EVENT_REGISTRY)) {
    const id = `event.${def.type}`;
    const properties = { ...(envelope.properties as Record<string, unknown>) };
    properties.event_type = { type: "string", const: def.type };
    properties.version = { type: "integer", const: def.version };
    properties.payload = jsonSchema(def.schema);
    if (def.tenancy === "system") properties.workspace_id = { type: "null" };
    messages[id] = {
      name: def.type,
      title: def.type,
      summary: def.description,
      contentType: "application/json",
      headers: { type: "object", properties: { "Nats-Msg-Id": { type: "string", description: "= event_id; the stream drops re-sends inside its duplicate window" } } },
      payload: { ...envelope, properties },
      tags: [{ name: `category:${def.category}` }, { name: `tenancy:${def.tenancy}` }],
    };
    eventMessages[def.type] = ref(`#/components/messages/${id}`);
  }

  const channels: Record<string, unknown> = {
    events: {
      address: `${prefix}.{scope}.{eventType}`,
      title: "Event envelopes (JetStream stream EVENTS)",
      description:
        "Every committed event, published once by the outbox relay (msg id = event_id). Subscribe to `" + prefix + ".<workspace id>.>` for one tenant; " +
        "internal tools are granted subjects per workspace and event type.",
      servers: [ref("#/servers/nats")],
      parameters: {
        scope: { description: `A workspace id (lower-case UUID), or \`${SYSTEM_SCOPE}\` for system events.` },
        eventType: { enum: Object.keys(EVENT_REGISTRY), description: "The event type." },
      },
      messages: eventMessages,
    },
    agentStream: {
      address: `${AGENT_STREAM_PREFIX}.{workspaceId}.{runId}`,
      title: "Live agent-run steps (core NATS, not stored)",
      description:
        "Published by the API while it runs an agent run started with `agent.run({ stream: true })`: tokens, tool calls, tool results and `end`, `seq` from 1. " +
        "The gateway relays them to sockets that sent `agent.watch`; the durable record is the agent.* events.",
      servers: [ref("#/servers/nats")],
      parameters: { workspaceId: { description: "The run's workspace id (lower-case UUID)." }, runId: { description: "The run id." } },
      messages: { step: ref("#/components/messages/agent.stream.step") },
    },
    handshake: {
      address: "/socket.io/",
      title: "Gateway handshake",
      description: "Socket.IO connect with `auth: { token }` (the API's access token). A missing, expired or revoked token is refused with a connect_error.",
      servers: [ref("#/servers/gateway")],
      messages: { handshake: ref("#/components/messages/socket.handshake") },
    },
  };
  messages["agent.stream.step"] = { name: "agent stream step", title: "Live agent-run step", contentType: "application/json", payload: jsonSchema(ZAgentStreamChunkSchema) };
  messages["socket.handshake"] = {
    name: "handshake",
    title: "Socket.IO handshake auth",
    contentType: "application/json",
    payload: { type: "object", required: ["token"], properties: { token: { type: "string", description: "Bearer access token" } } },
  };
  const operations: Record<string, unknown> = {
    receiveEvents: { action: "receive", channel: ref("#/channels/events"), summary: "Receive event envelopes from JetStream." },
    receiveAgentSteps: { action: "receive", channel: ref("#/channels/agentStream"), summary: "Receive a running agent run's live steps (the gateway does)." },
    connect: { action: "send", channel: ref("#/channels/handshake"), summary: "Open a realtime connection." },
  };

  const serverMessages: Record<string, { message: z.ZodType; ack?: z.ZodType }> = SERVER_SOCKET_MESSAGES;
  for (const [type, entry] of Object.entries(serverMessages)) {
    const id = `socket.${type}`;
    messages[id] = { name: type, title: type, contentType: "application/json", payload: jsonSchema(entry.message) };
    const channelMessages: Record<string, unknown> = { [type]: ref(`#/components/messages/${id}`) };
    const operation: Record<string, unknown> = {
      action: "receive", channel: ref(`#/channels/${id}`), messages: [ref(`#/channels/${id}/messages/${type}`)], summary: `The gateway pushes \`${type}\`.`,
    };
    if (entry.ack) {
      messages[`${id}.ack`] = { name: `${type} ack`, contentType: "application/json", payload: jsonSchema(entry.ack) };
      channelMessages.ack = ref(`#/components/messages/${id}.ack`);
      operation.reply = { channel: ref(`#/channels/${id}`), messages: [ref(`#/channels/${id}/messages/ack`)] };
    }
    channels[id] = { address: type, title: `Socket.IO event \`${type}\` (server → client)`, servers: [ref("#/servers/gateway")], messages: channelMessages };
    operations[`receive_${type.replace(/\./g, "_")}`] = operation;
  }
  for (const [type, entry] of Object.entries(CLIENT_SOCKET_MESSAGES)) {
    const id = `socket.${type}`;
    messages[id] = { name: type, title: type, contentType: "application/json", payload: jsonSchema(entry.message) };
    messages[`${id}.ack`] = { name: `${type} ack`, contentType: "application/json", payload: jsonSchema(entry.ack) };
    channels[id] = {
      address: type,
      title: `Socket.IO event \`${type}\` (client → server, acknowledged)`,
      servers: [ref("#/servers/gateway")],
      messages: { [type]: ref(`#/components/messages/${id}`), ack: ref(`#/components/messages/${id}.ack`) },
    };
    operations[`send_${type.replace(/\./g, "_")}`] = {
      action: "send",
      channel: ref(`#/channels/${id}`),
      messages: [ref(`#/channels/${id}/messages/${type}`)],
      reply: { channel: ref(`#/channels/${id}`), messages: [ref(`#/channels/${id}/messages/ack`)] },
    };
  }

  return {
    asyncapi: "3.0.0",
    info: {
      title: "Spine events and realtime protocol",
      version: "1",
      description: "Event envelopes on NATS JetStream subjects, and the Socket.IO protocol that pushes them to desktop and mobile clients.",
    },
    servers: {
      nats: { host: options.natsHost ?? "127.0.0.1:4222", protocol: "nats", description: "NATS with JetStream; stream EVENTS holds every envelope." },
      gateway: { host: options.gatewayHost ?? "127.0.0.1:4001", protocol: "ws", pathname: "/socket.io/", description: "Socket.IO 4 (Engine.IO 4) realtime gateway." },
    },
    channels,
    operations,
    components: { messages },
  };
}
