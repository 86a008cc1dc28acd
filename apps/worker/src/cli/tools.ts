import { readFile, rename, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { JetStreamApiCodes, JetStreamApiError, jetstreamManager } from "@nats-io/jetstream";
import { createUser } from "@nats-io/nkeys";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { DEFAULT_GATEWAY_STREAM, ensureDurableConsumer, natsServers, renderNatsUsers, toolDurableName, type NatsToolUser } from "@spine/bus";
import {
  AppError, grantTool, listToolGrants, newId, recordSystemAudit, revokeToolGrants, rotateToolKey, type Domain, type Operation, type ToolGrantRow,
} from "@spine/domain";
import type { TCliEnv } from "../env.ts";
import { WORKER_DURABLES, WORKER_JOB_DURABLES } from "../handlers/durables.ts";
import { withDomain } from "./database.ts";
import { canonicalId, isUuid } from "./ids.ts";
import { ACTOR_OPTION, operatorName } from "./operator.ts";
import { printJson, UsageError } from "./output.ts";

export const TOOLS_USAGE = `usage: spine tools <command>
  grant --name <tool> --workspace <id|*> --events <type pattern>   let a tool read evt.<workspace>.<pattern>
                                   (e.g. 'project.>', 'item.created', '>'); a new tool gets an nkey seed, shown once
  list [--name <tool>]             tools, their public nkeys and grants
  revoke --name <tool> [--grant <id>]   revoke one grant or all; a tool with none left loses its nkey
  rotate --name <tool>             a new nkey seed for the tool (shown once); the old one stops working
  consumer create --name <tool> [--grant <id>] [--start all|new]
                                   the tool's durable consumer tool_<name>, bound to one of its grants
  sync                             rewrite SPINE_NATS_USERS_FILE from the database and reload nats-server
every command but list and sync takes --actor <operator> and is audited (system audit trail).`;

/** `spine tools ...`: internal tools' NATS credentials, grants and durable consumers. */
export async function tools(env: TCliEnv, args: string[]): Promise<void> {
  const [command, ...rest] = args;
  switch (command) {
    case "grant":
      return grant(env, rest);
    case "list":
      return list(env, rest);
    case "revoke":
      return revoke(env, rest);
    case "rotate":
      return rotate(env, rest);
    case "consumer":
      if (rest[0] === "create") return consumerCreate(env, rest.slice(1));
      throw new UsageError(TOOLS_USAGE);
    case "sync":
      return withDomain(env, async (domain) => printJson(await syncUsers(env, domain)));
    default:
      throw new UsageError(TOOLS_USAGE);
  }
}

const sys = (correlationId: string) => ({ workspaceId: null, actorId: null, actorType: "system" as const, correlationId });

/** The subject a grant allows. */
export function grantSubject(env: TCliEnv, row: { scope_workspace_id: string | null; events: string }): string {
  return `${env.SPINE_SUBJECT_PREFIX}.${row.scope_workspace_id ?? "*"}.${row.events}`;
}

function toolUsers(env: TCliEnv, rows: ToolGrantRow[]): NatsToolUser[] {
  const byTool = new Map<string, NatsToolUser & { subjects: string[] }>();
  for (const row of rows) {
    const tool = byTool.get(row.tool_name) ?? { name: row.tool_name, nkey: row.nkey, subjects: [] };
    tool.subjects.push(grantSubject(env, row));
    byTool.set(row.tool_name, tool);
  }
  return [...byTool.values()];
}

/** users.conf as the database says it should be. */
export async function renderUsersFromDatabase(env: TCliEnv, domain: Domain): Promise<string> {
  const rows = await domain.runSystem(sys(`cli-tools-${newId()}`), (op) => listToolGrants(op));
  return renderNatsUsers({
    stream: env.SPINE_EVENTS_STREAM, gatewayStream: env.SPINE_GATEWAY_STREAM ?? DEFAULT_GATEWAY_STREAM, prefix: env.SPINE_SUBJECT_PREFIX,
    workerDurables: WORKER_DURABLES, tools: toolUsers(env, rows),
    workerJobs: { stream: env.SPINE_JOBS_STREAM, prefix: env.SPINE_JOBS_PREFIX, durables: WORKER_JOB_DURABLES },
  });
}

/**
 * Rewrite SPINE_NATS_USERS_FILE (atomically) and reload nats-server (SIGHUP to the pid in
 * SPINE_NATS_PID_FILE): a revoked or rotated nkey is refused from then on. Returns once the reload is
 * applied and JetStream answers again (see reloadNatsServer), so the next command or tool sees the new users.
 */
export async function syncUsers(env: TCliEnv, domain: Domain): Promise<{ users_file: string | null; reloaded: boolean }> {
  if (!env.SPINE_NATS_USERS_FILE) {
    process.stderr.write("SPINE_NATS_USERS_FILE is not set: nats-server's users were not rewritten (run `spine tools sync` where it is)\n");
    return { users_file: null, reloaded: false };
  }
  const text = await renderUsersFromDatabase(env, domain);
  const tmp = `${env.SPINE_NATS_USERS_FILE}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode: 0o644 });
  await rename(tmp, env.SPINE_NATS_USERS_FILE);
  let reloaded = false;
  if (env.SPINE_NATS_PID_FILE) {
    const pid = Number((await readFile(env.SPINE_NATS_PID_FILE, "utf8").catch(() => "")).trim());
    if (Number.isInteger(pid) && pid > 0) reloaded = await reloadNatsServer(env, pid);
  }
  return { users_file: env.SPINE_NATS_USERS_FILE, reloaded };
}

const RELOAD_TIMEOUT_MS = 20_000;

/** `config_load_time` of nats-server's `/varz` (changes when a reload has been applied). */
async function configLoadTime(monitorUrl: string): Promise<string> {
  const res = await fetch(new URL("/varz", monitorUrl), { signal: AbortSignal.timeout(2_000) });
  if (!res.ok) throw new Error(`${monitorUrl}/varz answered ${res.status}`);
  const varz = (await res.json()) as { config_load_time?: string };
  if (!varz.config_load_time) throw new Error(`${monitorUrl}/varz has no config_load_time`);
  return varz.config_load_time;
}

/**
 * SIGHUP nats-server and wait until the reload is done. nats-server 2.9 applies a reload asynchronously
 * and, while it swaps the users, answers for a moment "no responders", "JetStream not enabled for
 * account" (10039), an authorization violation or nothing at all. With SPINE_NATS_MONITOR_URL the
 * wait is deterministic: `/varz`'s `config_load_time` changes only once the new configuration is
 * applied (a configuration nats-server refuses leaves it unchanged: reported, not waited for forever);
 * then a fresh operator connection must get JetStream's account info three times in a row. Without a
 * monitoring URL only the second half is possible (after a short pause for the signal to land).
 */
export async function reloadNatsServer(env: TCliEnv, pid: number): Promise<boolean> {
  const before = env.SPINE_NATS_MONITOR_URL ? await configLoadTime(env.SPINE_NATS_MONITOR_URL).catch(() => null) : null;
  try {
    process.kill(pid, "SIGHUP");
  } catch {
    process.stderr.write(`nats-server (pid ${pid}) did not take the reload signal: reload it with \`nats-server --signal reload=${pid}\`\n`);
    return false;
  }
  const deadline = Date.now() + RELOAD_TIMEOUT_MS;
  if (env.SPINE_NATS_MONITOR_URL && before !== null) {
    for (;;) {
      const now: string = await configLoadTime(env.SPINE_NATS_MONITOR_URL).catch((): string => before);
      if (now !== before) break;
      if (Date.now() > deadline) {
        process.stderr.write(`nats-server (pid ${pid}) did not apply the new users within ${RELOAD_TIMEOUT_MS / 1000} s: see its log (a refused configuration keeps the old one)\n`);
        return false;
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  } else {
    await new Promise((r) => setTimeout(r, 500));
  }
  let answered = 0;
  let last: unknown = null;
  while (answered < 3) {
    if (Date.now() > deadline) {
      process.stderr.write(`JetStream did not answer within ${RELOAD_TIMEOUT_MS / 1000} s of the reload: ${last instanceof Error ? last.message : String(last)}\n`);
      return false;
    }
    const nc = await operatorNats(env).catch((err: unknown) => {
      last = err;
      return null;
    });
    try {
      if (nc) {
        await (await jetstreamManager(nc, { timeout: 2_000 })).getAccountInfo();
        answered += 1;
      } else answered = 0;
    } catch (err) {
      last = err;
      answered = 0;
    } finally {
      await nc?.close().catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, answered === 0 ? 100 : 25));
  }
  return true;
}

function toolName(value: string | undefined): string {
  if (!value) throw new UsageError(`--name is required\n${TOOLS_USAGE}`);
  return value.trim().toLowerCase();
}

/** Run a system operation; a bad input (AppError) is the operator's mistake, shown as a usage error. */
async function operate<T>(domain: Domain, correlationId: string, fn: (op: Operation) => Promise<T>): Promise<T> {
  try {
    return await domain.runSystem(sys(correlationId), fn);
  } catch (err) {
    if (AppError.isAppError(err)) throw new UsageError(err.message);
    throw err;
  }
}

async function grant(env: TCliEnv, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { name: { type: "string" }, workspace: { type: "string" }, events: { type: "string" }, ...ACTOR_OPTION } });
  const name = toolName(values.name);
  const workspace = values.workspace === undefined ? undefined : canonicalId(values.workspace);
  if (workspace === undefined || (workspace !== "*" && !isUuid(workspace))) throw new UsageError(`--workspace must be a workspace id or *\n${TOOLS_USAGE}`);
  if (!values.events) throw new UsageError(`--events is required (e.g. 'project.>')\n${TOOLS_USAGE}`);
  const events = values.events.trim();
  const operator = operatorName(values.actor);
  const keys = createUser();
  await withDomain(env, async (domain) => {
    const correlationId = `cli-tools-grant-${newId()}`;
    const workspaceId = workspace === "*" ? null : workspace;
    const result = await operate(domain, correlationId, async (op) => {
      const r = await grantTool(op, { name, nkey: keys.getPublicKey(), workspaceId, events });
      const subject = grantSubject(env, { scope_workspace_id: workspaceId, events });
      await recordSystemAudit(op, {
        action: "tools.grant", targetType: "nats_tool", targetId: name, actorId: null, actorType: "system", actorName: operator,
        details: { grant_id: r.grantId, subject, nkey: r.nkey, tool_created: r.toolCreated, already_granted: r.alreadyGranted },
      });
      return { ...r, subject };
    });
    const config = await syncUsers(env, domain);
    printJson({
      tool: name, grant_id: result.grantId, subject: result.subject, nkey: result.nkey, already_granted: result.alreadyGranted,
      // The seed is the tool's credential: shown once, stored nowhere by Spine.
      ...(result.toolCreated ? { seed: new TextDecoder().decode(keys.getSeed()) } : { seed: null }),
      inbox_prefix: `_INBOX_${toolDurableName(name)}`, durable: toolDurableName(name), ...config, correlation_id: correlationId,
    });
  });
}

async function list(env: TCliEnv, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { name: { type: "string" } } });
  await withDomain(env, async (domain) => {
    const rows = await domain.runSystem(sys(`cli-tools-list-${newId()}`), (op) => listToolGrants(op, values.name ? { name: toolName(values.name) } : {}));
    const tools = new Map<string, { tool: string; nkey: string; durable: string; grants: unknown[] }>();
    for (const row of rows) {
      const entry = tools.get(row.tool_name) ?? { tool: row.tool_name, nkey: row.nkey, durable: toolDurableName(row.tool_name), grants: [] };
      entry.grants.push({ id: row.grant_id, workspace: row.scope_workspace_id ?? "*", events: row.events, subject: grantSubject(env, row), granted_at: row.granted_at });
      tools.set(row.tool_name, entry);
    }
    for (const entry of tools.values()) printJson(entry);
  });
}

/** The operator's NATS connection for one command; fails fast instead of waiting for a server. */
async function operatorNats(env: TCliEnv): Promise<NatsConnection> {
  return connect({
    servers: natsServers(env.NATS_URL), name: "spine-cli-tools", timeout: 5_000,
    ...(env.NATS_USER ? { user: env.NATS_USER, pass: env.NATS_PASSWORD ?? "" } : {}),
  });
}

/**
 * JetStream work of the operator's connection. Right after a users reload nats-server's JetStream API
 * can answer "no responders" or "JetStream not enabled for account" (503) for a moment: try again for
 * up to 15 s before giving up.
 */
async function withJetStream<T>(nc: NatsConnection, fn: (jsm: Awaited<ReturnType<typeof jetstreamManager>>) => Promise<T>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      return await fn(await jetstreamManager(nc));
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : "";
      const text = err instanceof Error ? `${err.message} ${cause}` : "";
      const transient = /no responders|jetstream not enabled/i.test(text) || (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.JetStreamNotEnabledForAccount);
      if (!transient || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Delete the tool's durable consumer if its filter is no longer one of the tool's grants. */
async function dropStaleDurable(env: TCliEnv, name: string, subjects: string[]): Promise<"deleted" | "kept" | "none"> {
  const nc = await operatorNats(env);
  try {
    return await withJetStream(nc, async (jsm) => {
      try {
        const info = await jsm.consumers.info(env.SPINE_EVENTS_STREAM, toolDurableName(name));
        if (subjects.includes(info.config.filter_subject ?? "")) return "kept" as const;
        await jsm.consumers.delete(env.SPINE_EVENTS_STREAM, toolDurableName(name));
        return "deleted" as const;
      } catch (err) {
        if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound) return "none" as const;
        throw err;
      }
    });
  } finally {
    await nc.close();
  }
}

async function revoke(env: TCliEnv, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { name: { type: "string" }, grant: { type: "string" }, ...ACTOR_OPTION } });
  const name = toolName(values.name);
  const grantId = values.grant === undefined ? undefined : canonicalId(values.grant);
  if (grantId !== undefined && !isUuid(grantId)) throw new UsageError("--grant must be a grant id (see `spine tools list`)");
  const operator = operatorName(values.actor);
  await withDomain(env, async (domain) => {
    const correlationId = `cli-tools-revoke-${newId()}`;
    const { result, remaining } = await operate(domain, correlationId, async (op) => {
      const r = await revokeToolGrants(op, { name, ...(grantId ? { grantId } : {}) });
      await recordSystemAudit(op, {
        action: "tools.revoke", targetType: "nats_tool", targetId: name, actorId: null, actorType: "system", actorName: operator,
        details: { revoked_grants: r.revokedGrants, tool_removed: r.toolRemoved },
      });
      return { result: r, remaining: await listToolGrants(op, { name }) };
    });
    // Refused by nats-server from the reload on; then its durable goes unless another grant still covers it.
    const config = await syncUsers(env, domain);
    const durable = await dropStaleDurable(env, name, remaining.map((r) => grantSubject(env, r)));
    printJson({ tool: name, revoked_grants: result.revokedGrants, tool_removed: result.toolRemoved, durable, ...config, correlation_id: correlationId });
  });
}

async function rotate(env: TCliEnv, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { name: { type: "string" }, ...ACTOR_OPTION } });
  const name = toolName(values.name);
  const operator = operatorName(values.actor);
  const keys = createUser();
  await withDomain(env, async (domain) => {
    const correlationId = `cli-tools-rotate-${newId()}`;
    await operate(domain, correlationId, async (op) => {
      await rotateToolKey(op, { name, nkey: keys.getPublicKey() });
      await recordSystemAudit(op, {
        action: "tools.rotate", targetType: "nats_tool", targetId: name, actorId: null, actorType: "system", actorName: operator,
        details: { nkey: keys.getPublicKey() },
      });
    });
    const config = await syncUsers(env, domain);
    printJson({ tool: name, nkey: keys.getPublicKey(), seed: new TextDecoder().decode(keys.getSeed()), ...config, correlation_id: correlationId });
  });
}

async function consumerCreate(env: TCliEnv, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { name: { type: "string" }, grant: { type: "string" }, start: { type: "string" }, ...ACTOR_OPTION } });
  const name = toolName(values.name);
  const start = values.start ?? "all";
  if (start !== "all" && start !== "new") throw new UsageError("--start must be all or new");
  const operator = operatorName(values.actor);
  await withDomain(env, async (domain) => {
    const correlationId = `cli-tools-consumer-${newId()}`;
    const grants = await domain.runSystem(sys(correlationId), (op) => listToolGrants(op, { name }));
    if (grants.length === 0) throw new UsageError(`tool ${name} has no grants (spine tools grant ...)`);
    const chosen = values.grant ? grants.find((g) => g.grant_id === canonicalId(values.grant ?? "")) : grants.length === 1 ? grants[0] : undefined;
    if (!chosen) throw new UsageError(`tool ${name} has ${grants.length} grants: choose one with --grant <id> (see spine tools list)`);
    const filter = grantSubject(env, chosen);
    const durable = toolDurableName(name);
    const nc = await operatorNats(env);
    try {
      const info = await withJetStream(nc, (jsm) => ensureDurableConsumer(jsm, {
        stream: env.SPINE_EVENTS_STREAM, durable, filterSubject: filter, maxDeliver: -1, ackWaitMs: 30_000, maxAckPending: 1_000, startFrom: start,
      }));
      await domain.runSystem(sys(correlationId), (op) =>
        recordSystemAudit(op, {
          action: "tools.consumer.create", targetType: "nats_tool", targetId: name, actorId: null, actorType: "system", actorName: operator,
          details: { durable, stream: env.SPINE_EVENTS_STREAM, filter_subject: filter, grant_id: chosen.grant_id },
        }),
      );
      printJson({ tool: name, stream: env.SPINE_EVENTS_STREAM, durable: info.name, filter_subject: filter, num_pending: info.num_pending, correlation_id: correlationId });
    } finally {
      await nc.close();
    }
  });
}
