import { parseArgs } from "node:util";
import type { Logger } from "@spine/bus";
import { appUrlFrom, Domain, listWorkspacesWithIntegrations, newId, recordSystemAudit, resealIntegrationBatch, systemUrlFrom } from "@spine/domain";
import type { TCliEnv } from "../env.ts";
import { ACTOR_OPTION, operatorName } from "./operator.ts";
import { printJson, UsageError } from "./output.ts";

export const KEYS_ROTATE_USAGE = "usage: spine keys rotate [--batch <1-1000, default 100>] [--actor <operator>]";

/**
 * `spine keys rotate`: seal every integration secret with the key ring's active (first) key, in
 * batches of one transaction each, workspace by workspace. Plaintext values written before
 * encryption existed are sealed too. Idempotent and resumable: a re-run does only what is left.
 * Every changed integration is audited in its workspace; the pass is audited in the system trail
 * (`keys.rotate`, with counts). Prints `{ active_key, workspaces, scanned, resealed, correlation_id }`.
 */
export async function keysRotate(env: TCliEnv, args: string[], logger: Logger): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { batch: { type: "string" }, ...ACTOR_OPTION } });
  if (positionals.length > 0) throw new UsageError(KEYS_ROTATE_USAGE);
  const batchSize = values.batch === undefined ? 100 : Number(values.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) throw new UsageError(`--batch must be an integer from 1 to 1000\n${KEYS_ROTATE_USAGE}`);
  if (!env.DATABASE_URL) throw new UsageError("DATABASE_URL is required for this command");
  if (!env.SPINE_KEY_RING) throw new UsageError("SPINE_KEY_RING is required for this command");
  const operator = operatorName(values.actor);
  const correlationId = `cli-keys-rotate-${newId()}`;
  const keyRing = env.SPINE_KEY_RING;

  const domain = await Domain.create({ clientUrl: appUrlFrom(env.DATABASE_URL), systemUrl: systemUrlFrom(env.DATABASE_URL), poolMax: 1, keyRing });
  try {
    const system = (workspaceId: string | null) => ({ workspaceId, actorId: null, actorType: "system" as const, correlationId });
    const workspaces = await domain.runSystem(system(null), (op) => listWorkspacesWithIntegrations(op));
    let scanned = 0;
    let resealed = 0;
    for (const workspaceId of workspaces) {
      let afterId: string | null = null;
      do {
        const batch = await domain.runSystem(system(workspaceId), (op) => resealIntegrationBatch(op, { batchSize, afterId }));
        scanned += batch.scanned;
        resealed += batch.resealed;
        afterId = batch.nextAfterId;
      } while (afterId !== null);
    }
    const summary = { active_key: keyRing.activeKeyId, workspaces: workspaces.length, scanned, resealed };
    await domain.run(system(null), (op) =>
      recordSystemAudit(op, { action: "keys.rotate", targetType: "key_ring", targetId: keyRing.activeKeyId, actorName: operator, details: summary }),
    );
    logger.info({ correlation_id: correlationId, ...summary }, "integration secrets resealed");
    printJson({ ...summary, correlation_id: correlationId });
  } finally {
    await domain.close();
  }
}
