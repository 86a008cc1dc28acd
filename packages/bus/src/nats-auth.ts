/**
 * Spine's NATS users and their permissions as code: `renderNatsUsers` writes the `users` list that
 * `infra/nats/nats-server.conf` includes (`infra/nats/users.conf` is its output with no tools, kept
 * equal by a test). One user per job, each allowed exactly the subjects that job needs:
 *
 *   relay     publishes `evt.>` (the outbox relay) and nothing else
 *   worker    manages the EVENTS stream and the gateway's mirror of it, and its own durable
 *             consumers only: creates, reads, pulls and acks `EVENTS.<one of its durables>`
 *   gateway   reads the gateway's mirror stream (same sequences as EVENTS) and creates, pulls and
 *             deletes consumers on that stream only, so it can never touch another user's consumer
 *   api       publishes live agent-run steps on `astream.>` (core NATS) and nothing else
 *   operator  the `spine` CLI run by an operator: everything (stream admin, republish, tool consumers)
 *   tools     one nkey per granted tool: subscribes to its granted `evt.<workspace>.<types>` subjects,
 *             and pulls and acks its own durable (`tool_<name>`, created by `spine tools consumer create`)
 *
 * Every user gets its own inbox prefix (`_INBOX_<user>`), so no user may subscribe to another's
 * replies (a shared `_INBOX.>` would let a tool read the gateway's pulled messages). Clients set it
 * with the connection option `inboxPrefix` (`connectNats` does it from the user name).
 */

export const NATS_SERVICE_USERS = ["relay", "worker", "gateway", "api", "operator"] as const;
export type NatsServiceUser = (typeof NATS_SERVICE_USERS)[number];

/** The environment variable that holds a service user's password (read by nats-server, never stored in a file). */
export function natsPasswordVariable(user: NatsServiceUser): string {
  return `SPINE_NATS_${user.toUpperCase()}_PASSWORD`;
}

/** The inbox prefix a user's connection must use (its only reply subjects). */
export function natsInboxPrefix(user: string): string {
  return `_INBOX_${user}`;
}

/** The durable consumer a granted tool may pull from (one per tool). */
export function toolDurableName(tool: string): string {
  return `tool_${tool}`;
}

export interface NatsToolUser {
  /** Tool name: lower-case letters, digits and `-`. */
  name: string;
  /** The tool's public nkey (`U...`); the seed stays with the tool. */
  nkey: string;
  /** Granted subjects, e.g. `evt.<workspace uuid>.project.>` or `evt.*.item.created`. */
  subjects: readonly string[];
}

export interface NatsUsersOptions {
  /** The events stream (`EVENTS`). */
  stream: string;
  /** The gateway's mirror of it (`EVENTS_GATEWAY`). */
  gatewayStream: string;
  /** Subject prefix of the events (`evt`). */
  prefix: string;
  /** Durable consumers of the worker (its handlers' names). */
  workerDurables: readonly string[];
  /** The worker's JOBS work queue (sync jobs): stream, subject prefix and its durables there; none when absent. */
  workerJobs?: { stream: string; prefix: string; durables: readonly string[] };
  tools: readonly NatsToolUser[];
}

const q = (s: string) => JSON.stringify(s);
const list = (items: readonly string[], indent: string) => `[\n${items.map((s) => `${indent}  ${q(s)}`).join("\n")}\n${indent}]`;

function block(fields: { user?: string; nkey?: string; comment: string; publish: readonly string[]; subscribe: readonly string[] }): string {
  const who = fields.user
    ? `user: ${fields.user}\n    password: $${natsPasswordVariable(fields.user as NatsServiceUser)}`
    : `nkey: ${fields.nkey ?? ""}`;
  return `  # ${fields.comment}
  {
    ${who}
    permissions: {
      publish: { allow: ${list(fields.publish, "      ")} }
      subscribe: { allow: ${list(fields.subscribe, "      ")} }
    }
  }`;
}

/** The JetStream API (and ack) subjects a consumer's owner needs to create, read, pull and ack it. */
function ownConsumer(stream: string, durable: string, create: boolean): string[] {
  return [
    ...(create
      ? [`$JS.API.CONSUMER.CREATE.${stream}.${durable}`, `$JS.API.CONSUMER.CREATE.${stream}.${durable}.>`, `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.${durable}`]
      : []),
    `$JS.API.CONSUMER.INFO.${stream}.${durable}`,
    `$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}`,
    `$JS.ACK.${stream}.${durable}.>`,
  ];
}

/** The `users: [...]` list for `authorization { include ./users.conf }`. */
export function renderNatsUsers(o: NatsUsersOptions): string {
  const streamAdmin = (s: string) => [`$JS.API.STREAM.INFO.${s}`, `$JS.API.STREAM.CREATE.${s}`, `$JS.API.STREAM.UPDATE.${s}`];
  const g = o.gatewayStream;
  const blocks = [
    block({ user: "relay", comment: "the outbox relay: publishes events, nothing else", publish: [`${o.prefix}.>`], subscribe: [`${natsInboxPrefix("relay")}.>`] }),
    block({
      user: "worker",
      comment: `the worker: the streams ${o.stream} and ${g} (its mirror), and only its own durable consumers`,
      publish: [
        "$JS.API.INFO", ...streamAdmin(o.stream), ...streamAdmin(g), ...o.workerDurables.flatMap((d) => ownConsumer(o.stream, d, true)),
        ...(o.workerJobs
          ? [`${o.workerJobs.prefix}.>`, ...streamAdmin(o.workerJobs.stream), ...o.workerJobs.durables.flatMap((d) => ownConsumer(o.workerJobs!.stream, d, true))]
          : []),
      ],
      subscribe: [`${natsInboxPrefix("worker")}.>`],
    }),
    block({
      user: "gateway",
      comment: `the realtime gateway: reads ${g} and creates, pulls and deletes consumers on it only; live agent steps`,
      publish: [
        "$JS.API.INFO",
        `$JS.API.STREAM.INFO.${g}`,
        `$JS.API.STREAM.MSG.GET.${g}`,
        `$JS.API.CONSUMER.CREATE.${g}`,
        `$JS.API.CONSUMER.CREATE.${g}.>`,
        `$JS.API.CONSUMER.INFO.${g}.*`,
        `$JS.API.CONSUMER.DELETE.${g}.*`,
        `$JS.API.CONSUMER.MSG.NEXT.${g}.*`,
      ],
      subscribe: [`${natsInboxPrefix("gateway")}.>`, "astream.>"],
    }),
    block({ user: "api", comment: "the api: live agent-run steps (core NATS), nothing else", publish: ["astream.>"], subscribe: [`${natsInboxPrefix("api")}.>`] }),
    block({ user: "operator", comment: "the spine CLI (operators only): everything", publish: [">"], subscribe: [">"] }),
    ...o.tools.map((t) =>
      block({
        nkey: t.nkey,
        comment: `tool ${t.name}: its granted subjects and its own durable ${toolDurableName(t.name)}`,
        publish: ["$JS.API.INFO", ...ownConsumer(o.stream, toolDurableName(t.name), false)],
        subscribe: [...t.subjects, `${natsInboxPrefix(toolDurableName(t.name))}.>`],
      }),
    ),
  ];
  return `# GENERATED by \`spine tools sync\` (packages/bus/src/nats-auth.ts): do not edit by hand.
# Passwords of the service users come from the environment (${NATS_SERVICE_USERS.map(natsPasswordVariable).join(", ")});
# each tool is a public nkey, its seed stays with the tool.
users: [
${blocks.join("\n")}
]
`;
}
