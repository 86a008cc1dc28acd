import { parseArgs } from "node:util";
import { replayDeadLetters, type Logger } from "@spine/bus";
import { listDeadLetters, newId } from "@spine/domain";
import type { TCliEnv } from "../env.ts";
import { loadAiSettings } from "../env.ts";
import { createWorkerHandlers } from "../handlers/index.ts";
import { deadLetterStore, jobLedger } from "../wiring.ts";
import { withDomain } from "./database.ts";
import { canonicalId } from "./ids.ts";
import { ACTOR_OPTION, auditOperatorAction, operatorName } from "./operator.ts";
import { printJson, UsageError } from "./output.ts";

/** `spine dlq list [--handler <name>] [--status dead|replayed] [--limit n]` */
export async function dlqList(env: TCliEnv, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { handler: { type: "string" }, status: { type: "string" }, limit: { type: "string" } } });
  const status = values.status === "dead" || values.status === "replayed" ? values.status : undefined;
  if (values.status && !status) throw new UsageError("--status must be dead or replayed");
  const rows = await withDomain(env, (domain) =>
    domain.runSystem({ workspaceId: null, actorId: null, actorType: "system", correlationId: `cli-${newId()}` }, (op) =>
      listDeadLetters(op, {
        ...(values.handler ? { handler: values.handler } : {}),
        ...(status ? { status } : {}),
        limit: Number(values.limit ?? 100),
      }),
    ),
  );
  for (const row of rows) printJson(row);
}

/** `spine dlq replay <id>` or `spine dlq replay --handler <name>` [--actor <operator>]; audited in the system trail. */
export async function dlqReplay(env: TCliEnv, args: string[], logger: Logger): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { handler: { type: "string" }, ...ACTOR_OPTION } });
  const operator = operatorName(values.actor);
  const id = positionals[0] === undefined ? undefined : canonicalId(positionals[0]);
  if (!id && !values.handler) throw new UsageError("usage: spine dlq replay <id> | --handler <name>");
  const target = id ? { id } : { handler: values.handler ?? "" };
  if (!env.DATABASE_URL) throw new UsageError("DATABASE_URL is required");
  const results = await withDomain(env, (domain) => {
    const handlers = createWorkerHandlers({ domain, embeddings: loadAiSettings().embeddings });
    return replayDeadLetters({ deadLetters: deadLetterStore(domain, `cli-${newId()}`), ledger: jobLedger(domain), handlers, logger }, target);
  });
  const outcomes: Record<string, number> = {};
  for (const result of results) outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
  await auditOperatorAction(env, operator, {
    action: "dlq.replay", targetType: id ? "dead_letter_job" : "handler", targetId: id ?? values.handler ?? null,
    details: { jobs: results.length, outcomes },
  });
  for (const result of results) printJson(result);
  if (results.some((r) => r.outcome === "failed")) process.exitCode = 1;
}
