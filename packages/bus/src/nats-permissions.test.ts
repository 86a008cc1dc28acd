import { randomBytes, randomUUID } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { PermissionViolationError, type NatsConnection } from "@nats-io/nats-core";
import { startNatsServer, type NatsServerProcess } from "@spine/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tailEvents, type TailedMessage } from "./events-tail.ts";
import { connectNats } from "./nats-connection.ts";
import { publishEnvelope } from "./publisher.ts";
import { ensureEventsStream } from "./streams.ts";
import { projectCreated } from "./test-support/project-created.ts";
import { streamMessageCount } from "./test-support/stream-contents.ts";
import { waitUntil } from "./test-support/wait-until.ts";

const CONFIG = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "infra", "nats", "nats-server.conf");
// nats-server parses an environment value as a config token: start passwords with a letter.
const secret = () => `p${randomBytes(12).toString("hex")}`;
const passwords = { worker: secret(), gateway: secret(), tools: secret() };
let server: NatsServerProcess;
const connections: NatsConnection[] = [];

async function connectAs(user: keyof typeof passwords): Promise<NatsConnection> {
  const nc = await connectNats({ servers: server.url, name: `${user}-test`, user, pass: passwords[user] });
  connections.push(nc);
  return nc;
}

/** Resolves with the first permission violation the server reports on this connection. */
async function nextPermissionViolation(nc: NatsConnection): Promise<PermissionViolationError> {
  for await (const s of nc.status()) {
    if (s.type === "error" && s.error instanceof PermissionViolationError) return s.error;
  }
  throw new Error("connection closed without a permission violation");
}

beforeAll(async () => {
  server = await startNatsServer({
    configFile: CONFIG,
    env: {
      SPINE_NATS_WORKER_PASSWORD: passwords.worker,
      SPINE_NATS_GATEWAY_PASSWORD: passwords.gateway,
      SPINE_NATS_TOOLS_PASSWORD: passwords.tools,
      SPINE_NATS_API_PASSWORD: passwords.tools,
    },
  });
});
afterAll(async () => {
  await Promise.all(connections.map((nc) => nc.close()));
  await server?.dispose();
});

describe("infra/nats/nats-server.conf", () => {
  it("tools may tail evt.> but not publish there; only the worker (relay) user may publish events", async () => {
    const worker = await connectAs("worker");
    await ensureEventsStream(await jetstreamManager(worker), {});
    const tools = await connectAs("tools");
    const seen: TailedMessage[] = [];
    tailEvents(tools, "evt.*.project.>", (m) => seen.push(m));
    await tools.flush();

    const workspaceId = randomUUID();
    const env = projectCreated(workspaceId);
    await publishEnvelope(jetstream(worker), env, { prefix: "evt" });
    await waitUntil(async () => seen.length > 0, "the tools user to see the relay's envelope");
    expect(seen[0]).toMatchObject({ ok: true, subject: `evt.${workspaceId}.project.created`, envelope: { event_id: env.event_id } });

    const violation = nextPermissionViolation(tools);
    tools.publish(`evt.${workspaceId}.project.created`, JSON.stringify(projectCreated(workspaceId)));
    const err = await violation;
    expect(err.operation).toBe("publish");
    expect(err.subject).toBe(`evt.${workspaceId}.project.created`);
    await expect(jetstream(tools).publish(`evt.${workspaceId}.project.created`, "{}", { timeout: 1_000 })).rejects.toThrow();

    const gateway = await connectAs("gateway");
    const gatewayViolation = nextPermissionViolation(gateway);
    gateway.publish(`evt.${workspaceId}.project.created`, "{}");
    expect((await gatewayViolation).operation).toBe("publish");

    expect(await streamMessageCount(worker, "EVENTS")).toBe(1);
  });

  it("a wrong password is refused", async () => {
    await expect(connectNats({ servers: server.url, name: "intruder", user: "tools", pass: "wrong" })).rejects.toThrow();
  });
});
