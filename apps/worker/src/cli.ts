import { createLogger } from "@spine/logging";
import { destination } from "pino";
import { accessRebuild } from "./cli/access-rebuild.ts";
import { auditVerify } from "./cli/audit-verify.ts";
import { dlqList, dlqReplay } from "./cli/dlq.ts";
import { eventsTail } from "./cli/events-tail.ts";
import { integrationsRetry } from "./cli/integrations.ts";
import { keysRotate } from "./cli/keys-rotate.ts";
import { usageReconcile } from "./cli/usage-reconcile.ts";
import { outboxRepublish } from "./cli/outbox-republish.ts";
import { platformOperators } from "./cli/platform-operators.ts";
import { purge } from "./cli/purge.ts";
import { UsageError } from "./cli/output.ts";
import { tools } from "./cli/tools.ts";
import { loadCliEnv } from "./env.ts";

const USAGE = `usage: pnpm spine <command>
  events tail [pattern]                      print envelopes live, e.g. 'evt.*.project.>'
  dlq list [--handler h] [--status s]        dead-lettered jobs (status: dead | replayed)
  dlq replay <id> | --handler <name>         re-run dead-lettered jobs once, idempotently
  outbox republish --ids <id,...> | --since <iso> [--until <iso>] --force
                                             publish kept, published outbox rows again (msgID = event_id);
                                             a time range needs --force (outside the duplicate window
                                             plain subscribers see those events twice)
  purge <entity> <id> --workspace <ws>       audited hard delete (project | item | document |
                                             agent_thread | integration) as a system actor
  audit verify [--workspace <id>]            walk the audit hash chains; name the first edited, deleted
                                             or reordered row of each (exit 1 if any)
  keys rotate [--batch n]                    seal every integration secret with SPINE_KEY_RING's first key
                                             (audited; idempotent, resumable)
  access rebuild --workspace <ws> [--check]  fold the workspace's access history and compare it with the
                                             stored state; --check writes nothing and exits 1 on a difference
  tools grant|list|revoke|rotate|sync        internal tools' NATS credentials (nkeys) and the subjects they may read
  tools consumer create --name <tool>        a tool's durable consumer, bound to one of its grants (spine tools for more)
  usage reconcile --workspace <ws> [--repair] recount projects, items, documents, agent runs, agent tokens per window against the
                                             usage counters; --repair fixes settled windows (audited)
  integrations retry <event> --workspace <ws> send a failed inbound integration event through processing
                                             again (audited)
  operators grant|revoke <email> | list      platform operators: may list, inspect and replay dead letters and failed
                                             integration events of every workspace in the console (audited)`;

const env = loadCliEnv();
const logger = createLogger({ name: "spine-cli", level: env.LOG_LEVEL }, destination(2));
const [group, command, ...rest] = process.argv.slice(2);

async function main(): Promise<void> {
  if (group === "purge") return purge(env, process.argv.slice(3), logger);
  if (group === "tools") return tools(env, process.argv.slice(3));
  if (group === "operators") return platformOperators(env, process.argv.slice(3), logger);
  switch (`${group ?? ""} ${command ?? ""}`) {
    case "events tail":
      return eventsTail(env, rest);
    case "dlq list":
      return dlqList(env, rest);
    case "dlq replay":
      return dlqReplay(env, rest, logger);
    case "outbox republish":
      return outboxRepublish(env, rest);
    case "audit verify":
      return auditVerify(env, rest);
    case "keys rotate":
      return keysRotate(env, rest, logger);
    case "access rebuild":
      return accessRebuild(env, rest, logger);
    case "integrations retry":
      return integrationsRetry(env, rest, logger);
    case "usage reconcile":
      return usageReconcile(env, rest, logger);
    default:
      throw new UsageError(USAGE);
  }
}

try {
  await main();
} catch (err) {
  if (UsageError.isUsageError(err)) {
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 2;
  } else {
    logger.error({ err }, "command failed");
    process.exitCode = 1;
  }
}
