import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, nkeyAuthenticator, PermissionViolationError, type NatsConnection } from "@nats-io/transport-node";
import { connectNats, ensureEventsStream, publishEnvelope } from "@spine/bus";
import { createEnvelope } from "@spine/contracts";
import { startSpineNats, type SpineNats } from "@spine/testing";
import { dbTest } from "@spine/testing/fixtures";
import pg from "pg";
import { describe, expect } from "vitest";
import { tools } from "./cli/tools.ts";
import { loadCliEnv } from "./env.ts";
import { seedWorkspaces } from "./bus/test-support/seed-workspaces.ts";
import { waitUntil } from "./bus/test-support/wait-until.ts";

// `spine tools ...` against nats-server running infra/nats/nats-server.conf with the users file the
// CLI rewrites (SPINE_NATS_USERS_FILE) and reloads (SIGHUP via SPINE_NATS_PID_FILE). Every refusal
// is nats-server's: the tool connects with nothing but its nkey seed.
const appRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = join(appRoot, "..", "..");

async function refused(nc: NatsConnection, attempt: () => unknown): Promise<string> {
  const violation = (async () => {
    for await (const s of nc.status()) if (s.type === "error" && s.error instanceof PermissionViolationError) return `${s.error.operation} ${s.error.subject}`;
    return "closed";
  })();
  await Promise.resolve().then(attempt).catch(() => undefined);
  // A refusal the server never reported fails the test here instead of hanging it.
  return Promise.race([violation, new Promise<string>((r) => setTimeout(() => r("no permission violation"), 10_000))]);
}

/**
 * `nats`: nats-server with infra/nats's config, the users file the CLI rewrites and reloads (disposed);
 * `ws1`, `ws2`: two seeded workspaces; `system`: a system-role client; `relay`: a connection as the relay user;
 * `opened`: connections closed after the file; `env`: the CLI's environment as the operator (the events stream
 * ensured); `spineProcess(args)`: `spine <args>` as its own process (the real entry point, exit codes included);
 * `spine(args)`: `spine tools <args>` in this process (same code as the CLI, without a process start per call),
 * its last JSON line; `publish(ws, type?)`: an event published as the relay; `connectTool(name, seed)`: connect
 * with nothing but the tool's seed (as the README's example does; not retried: the CLI returns only once
 * nats-server has applied the reload, SPINE_NATS_MONITOR_URL, so the first attempt must work);
 * `refusedConnect(seed)`.
 */
const test = dbTest
  // vitest reads a fixture's dependencies from its first parameter's pattern: `{}` means none.
  // eslint-disable-next-line no-empty-pattern
  .extend("nats", { scope: "file" }, async ({}, { onCleanup }): Promise<SpineNats> => {
    const nats = await startSpineNats();
    onCleanup(() => nats.dispose());
    return nats;
  })
  .extend("workspaces", { scope: "file" }, async ({ db }) => {
    const [ws1 = "", ws2 = ""] = await seedWorkspaces(db.ownerUrl, 2);
    return { ws1, ws2 };
  })
  .extend("ws1", { scope: "file" }, ({ workspaces }) => workspaces.ws1)
  .extend("ws2", { scope: "file" }, ({ workspaces }) => workspaces.ws2)
  .extend("system", { scope: "file" }, async ({ db }, { onCleanup }) => {
    const system = new pg.Client({ connectionString: db.systemUrl });
    await system.connect();
    onCleanup(() => system.end());
    return system;
  })
  .extend("relay", { scope: "file" }, async ({ nats }, { onCleanup }): Promise<NatsConnection> => {
    const relay = await connectNats({ servers: nats.server.url, name: "tools-test-relay", user: "relay", pass: nats.passwords.relay });
    onCleanup(() => relay.close());
    return relay;
  })
  .extend("opened", { scope: "file" }, ({ nats }, { onCleanup }) => {
    void nats;
    const opened: NatsConnection[] = [];
    onCleanup(async () => {
      await Promise.all(opened.map((nc) => nc.close().catch(() => undefined)));
    });
    return opened;
  })
  .extend("env", { scope: "file" }, async ({ db, nats, opened }): Promise<Record<string, string>> => {
    const operator = await connectNats({ servers: nats.server.url, name: "tools-test-operator", user: "operator", pass: nats.passwords.operator });
    opened.push(operator);
    await ensureEventsStream(await jetstreamManager(operator), {});
    return {
      DATABASE_URL: db.ownerUrl, NATS_URL: nats.server.url, NATS_USER: "operator", NATS_PASSWORD: nats.passwords.operator,
      SPINE_NATS_USERS_FILE: nats.usersFile, SPINE_NATS_PID_FILE: nats.pidFile, SPINE_NATS_MONITOR_URL: nats.monitorUrl, PATH: process.env.PATH ?? "",
    };
  })
  // A generous timeout: starting tsx takes tens of seconds on a loaded 2-core machine.
  .extend("spineProcess", { scope: "file" }, ({ env }) => (args: string[]) =>
    spawnSync(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], { cwd: appRoot, env, encoding: "utf8", timeout: 150_000 }))
  .extend("spine", { scope: "file" }, ({ env }) => async (args: string[]): Promise<Record<string, unknown>> => {
    const [group, ...rest] = args;
    if (group !== "tools") throw new Error("only tools commands");
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      await tools(loadCliEnv(env), rest);
    } finally {
      process.stdout.write = write;
    }
    return JSON.parse(lines.join("").trim().split("\n").at(-1) ?? "null") as Record<string, unknown>;
  })
  .extend("publish", { scope: "file" }, ({ relay }) => async (workspaceId: string, type: "project.created" | "item.created" = "project.created"): Promise<{ seq: number; id: string; subject: string }> => {
    const payload = type === "project.created" ? { project_id: crypto.randomUUID(), name: "P" } : { item_id: crypto.randomUUID(), project_id: crypto.randomUUID(), title: "I" };
    const envelope = createEnvelope({ type, payload: payload as never, workspaceId, actorId: null, correlationId: `tools-${crypto.randomUUID()}` });
    const ack = await publishEnvelope(jetstream(relay), envelope, { prefix: "evt" });
    return { seq: ack.seq, id: envelope.event_id, subject: `evt.${workspaceId}.${type}` };
  })
  .extend("connectTool", { scope: "file" }, ({ nats, opened }) => async (name: string, seed: string): Promise<NatsConnection> => {
    const nc = await connect({ servers: nats.server.url, authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)), inboxPrefix: `_INBOX_tool_${name}`, reconnect: false });
    opened.push(nc);
    return nc;
  })
  .extend("refusedConnect", { scope: "file" }, ({ nats }) => (seed: string): Promise<boolean> =>
    connect({ servers: nats.server.url, authenticator: nkeyAuthenticator(new TextEncoder().encode(seed)), reconnect: false }).then(
      async (nc) => {
        await nc.close();
        return false;
      },
      () => true,
    ));

// nats-server 2.9 answers for a moment after each users reload with "no responders", "JetStream not
// enabled for account" or an authorization violation on a fresh connection. The CLI returns only once the
// reload is applied (/varz config_load_time) and JetStream answers, so nothing here retries a connection.
describe("spine tools grant | list | revoke | rotate", () => {
  test("a granted tool reads its workspace's events; nats-server refuses every other subject, the JetStream API and other inboxes", async ({ nats, ws1, ws2, system, spineProcess, spine, publish, connectTool, refusedConnect }) => {
    const run = spineProcess(["tools", "grant", "--name", "reporter", "--workspace", ws1.toUpperCase(), "--events", "project.>", "--actor", "ops-alice"]);
    expect(run.status, run.stderr).toBe(0);
    const granted = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(granted).toMatchObject({ tool: "reporter", subject: `evt.${ws1}.project.>`, reloaded: true, already_granted: false, durable: "tool_reporter" });
    const seed = String(granted.seed);
    expect(seed).toMatch(/^SU[A-Z2-7]+$/);

    const tool = await connectTool("reporter", seed);
    const seen: string[] = [];
    tool.subscribe(`evt.${ws1}.project.>`, {
      callback: (_err, m) => {
        seen.push(m.subject);
      },
    });
    await tool.flush();
    const mine = await publish(ws1);
    await publish(ws1, "item.created");
    await publish(ws2);
    await waitUntil(async () => seen.length === 1, "the tool to receive its workspace's project event");
    expect(seen).toEqual([mine.subject]);

    // Cross-tenant and wider reads are refused by the server, not by the tool.
    expect(await refused(tool, () => tool.subscribe(`evt.${ws2}.project.>`))).toBe(`subscription evt.${ws2}.project.>`);
    expect(await refused(tool, () => tool.subscribe("evt.*.project.>"))).toBe("subscription evt.*.project.>");
    expect(await refused(tool, () => tool.subscribe("evt.>"))).toBe("subscription evt.>");
    expect(await refused(tool, () => tool.subscribe(`evt.${ws1}.item.created`))).toBe(`subscription evt.${ws1}.item.created`);
    expect(await refused(tool, () => tool.subscribe("_INBOX.>"))).toBe("subscription _INBOX.>");
    expect(await refused(tool, () => tool.subscribe("_INBOX_gateway.>"))).toBe("subscription _INBOX_gateway.>");
    // No stream reads or consumers of its own making (a consumer's filter could span every tenant).
    expect(await refused(tool, () => tool.request("$JS.API.STREAM.MSG.GET.EVENTS", JSON.stringify({ seq: mine.seq }), { timeout: 1_000 }))).toBe(
      "publish $JS.API.STREAM.MSG.GET.EVENTS",
    );
    expect(await refused(tool, () => jetstreamManager(tool).then((jsm) => jsm.consumers.add("EVENTS", { filter_subject: "evt.>" })))).toMatch(
      /^publish \$JS\.API\.CONSUMER\.CREATE\.EVENTS/,
    );
    expect(await refused(tool, () => tool.publish(`evt.${ws1}.project.created`, "{}"))).toBe(`publish evt.${ws1}.project.created`);

    // A second grant widens it; list shows both; the same grant again changes nothing.
    const second = await spine(["tools", "grant", "--name", "reporter", "--workspace", "*", "--events", "item.created", "--actor", "ops-alice"]);
    expect(second).toMatchObject({ subject: "evt.*.item.created", seed: null, already_granted: false });
    expect(await spine(["tools", "grant", "--name", "reporter", "--workspace", "*", "--events", "item.created"])).toMatchObject({ already_granted: true });
    const listed = await spine(["tools", "list"]);
    expect(listed).toMatchObject({ tool: "reporter", nkey: granted.nkey, grants: [{ subject: `evt.${ws1}.project.>` }, { subject: "evt.*.item.created" }] });

    // Bad input is a usage error and writes nothing.
    await expect(spine(["tools", "grant", "--name", "x", "--workspace", "nope", "--events", "a"])).rejects.toThrow(/--workspace/);
    await expect(spine(["tools", "grant", "--name", "x", "--workspace", "*", "--events", "evt.>.x"])).rejects.toThrow(/events/);
    await expect(spine(["tools", "grant", "--name", "x", "--workspace", crypto.randomUUID(), "--events", "a"])).rejects.toThrow(/not found/);
    expect((await system.query("select count(*)::int as n from nats_tools where name = 'x'")).rows[0]).toEqual({ n: 0 });

    // Rotation: the old seed is refused once nats-server reloads; the new one is admitted.
    const rotated = await spine(["tools", "rotate", "--name", "reporter", "--actor", "ops-bob"]);
    expect(await refusedConnect(seed)).toBe(true);
    await (await connectTool("reporter", String(rotated.seed))).close();

    // Revocation of every grant: the nkey is gone from nats-server.
    const revoked = await spine(["tools", "revoke", "--name", "reporter", "--actor", "ops-bob"]);
    expect(revoked).toMatchObject({ tool_removed: true, reloaded: true });
    expect(await refusedConnect(String(rotated.seed))).toBe(true);
    expect(readFileSync(nats.usersFile, "utf8")).not.toContain("reporter");

    const { rows } = await system.query<{ action: string; actor_name: string; details: Record<string, unknown> }>(
      "select action, actor_name, details from system_audit_logs where target_type = 'nats_tool' order by occurred_at, id",
    );
    expect(rows.map((r) => [r.action, r.actor_name])).toEqual([
      ["tools.grant", "ops-alice"], ["tools.grant", "ops-alice"], ["tools.grant", expect.any(String)], ["tools.rotate", "ops-bob"], ["tools.revoke", "ops-bob"],
    ]);
    expect(JSON.stringify(rows)).not.toContain(seed);
    expect(JSON.stringify(rows)).not.toContain(String(rotated.seed));
  }, 300_000);
});

describe("spine tools consumer create: a tool's durable consumer", () => {
  /** The README's example tool, as its own process with nothing but its name and seed. */
  function runExample({ env, nats }: { env: Record<string, string>; nats: SpineNats }, name: string, seed: string): { proc: ChildProcess; events: { seq: number; event_id: string; subject: string }[] } {
    const proc = spawn(process.execPath, ["--import", "tsx", "src/examples/tool-consumer.ts"], {
      cwd: appRoot, env: { PATH: env.PATH ?? "", NATS_URL: nats.server.url, TOOL_NAME: name, TOOL_SEED: seed }, stdio: ["ignore", "pipe", "inherit"],
    });
    const events: { seq: number; event_id: string; subject: string }[] = [];
    let buffer = "";
    proc.stdout?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) events.push(JSON.parse(line) as { seq: number; event_id: string; subject: string });
    });
    return { proc, events };
  }

  test("resumes after a restart with nothing missed or repeated, and sees only its grant (the README example)", async ({ nats, ws1, ws2, system, opened, env, spine, publish, connectTool }) => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    expect(readme).toContain(readFileSync(join(appRoot, "src", "examples", "tool-consumer.ts"), "utf8").trim());

    const granted = await spine(["tools", "grant", "--name", "audit-feed", "--workspace", ws1, "--events", ">", "--actor", "ops-alice"]);
    const created = await spine(["tools", "consumer", "create", "--name", "audit-feed", "--start", "new", "--actor", "ops-alice"]);
    expect(created).toMatchObject({ durable: "tool_audit-feed", filter_subject: `evt.${ws1}.>` });
    const operator = await connectNats({ servers: nats.server.url, name: "tools-check", user: "operator", pass: nats.passwords.operator });
    opened.push(operator);
    const jsm = await jetstreamManager(operator);
    // The grant reloaded nats-server and the CLI waited for it: the tool's nkey is admitted at once.
    await (await connectTool("audit-feed", String(granted.seed))).close();

    const expected: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      expected.push((await publish(ws1)).id);
      await publish(ws2); // another tenant: never in this tool's consumer
    }
    const first = runExample({ env, nats }, "audit-feed", String(granted.seed));
    await waitUntil(async () => first.events.length === 5, "the tool to read the first five", 150_000);
    await waitUntil(async () => (await jsm.consumers.info("EVENTS", "tool_audit-feed")).num_ack_pending === 0, "its acks");
    first.proc.kill("SIGTERM");
    await new Promise((r) => first.proc.once("exit", r));

    // Written while the tool is down.
    for (let i = 0; i < 5; i += 1) {
      expected.push((await publish(ws1, i % 2 ? "item.created" : "project.created")).id);
      await publish(ws2);
    }
    const second = runExample({ env, nats }, "audit-feed", String(granted.seed));
    try {
      await waitUntil(async () => second.events.length === 5, "the restarted tool to read what it missed", 150_000);
      const read = [...first.events, ...second.events];
      expect(read.map((e) => e.event_id)).toEqual(expected);
      expect(read.every((e) => e.subject.startsWith(`evt.${ws1}.`))).toBe(true);
    } finally {
      second.proc.kill("SIGTERM");
      await new Promise((r) => second.proc.once("exit", r));
    }

    const { rows } = await system.query<{ n: number }>("select count(*)::int as n from system_audit_logs where action = 'tools.consumer.create' and target_id = 'audit-feed'");
    expect(rows[0]?.n).toBe(1);
    // Revoking the grant removes the durable bound to it.
    expect(await spine(["tools", "revoke", "--name", "audit-feed"])).toMatchObject({ durable: "deleted", tool_removed: true });
  }, 300_000);
});
