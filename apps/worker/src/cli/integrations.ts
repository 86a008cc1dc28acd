import { parseArgs } from "node:util";
import type { Logger } from "@spine/bus";
import { appUrlFrom, Domain, newId, recordSystemAudit, retryIntegrationEvent } from "@spine/domain";
import type { TCliEnv } from "../env.ts";
import { ACTOR_OPTION, operatorName } from "./operator.ts";
import { printJson, UsageError } from "./output.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const INTEGRATIONS_RETRY_USAGE = "usage: spine integrations retry <integration event id> --workspace <workspace id> [--actor <operator>]";

/**
 * `spine integrations retry <event id> --workspace <ws>`: send a `failed` inbound event through
 * processing again (back to `received`, announced with a new `webhook.received`), audited in the
 * workspace and in the system audit trail with the operator's name. Prints `{ integration_event_id, previous_error }`.
 */
export async function integrationsRetry(env: TCliEnv, args: string[], logger: Logger): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { workspace: { type: "string" }, ...ACTOR_OPTION } });
  const [eventId, ...extra] = positionals;
  const workspaceId = values.workspace;
  if (!eventId || !workspaceId || extra.length > 0) throw new UsageError(INTEGRATIONS_RETRY_USAGE);
  if (!UUID.test(eventId) || !UUID.test(workspaceId)) throw new UsageError(`ids must be UUIDs\n${INTEGRATIONS_RETRY_USAGE}`);
  if (!env.DATABASE_URL) throw new UsageError("DATABASE_URL is required for this command");
  const operator = operatorName(values.actor);
  const correlationId = `cli-integrations-retry-${newId()}`;
  const domain = await Domain.create({ clientUrl: appUrlFrom(env.DATABASE_URL), poolMax: 1 });
  try {
    const result = await domain.run({ workspaceId: workspaceId.toLowerCase(), actorId: null, actorType: "system", correlationId }, async (op) => {
      const retried = await retryIntegrationEvent(op, eventId.toLowerCase());
      await recordSystemAudit(op, {
        action: "integration_event.retried", targetType: "integration_event", targetId: retried.integrationEventId, actorId: null,
        actorType: "system", actorName: operator, details: { workspace_id: op.workspaceId },
      });
      return retried;
    });
    logger.info({ correlation_id: correlationId, integration_event_id: result.integrationEventId }, "integration event retried");
    printJson({ integration_event_id: result.integrationEventId, previous_error: result.previousError });
  } finally {
    await domain.close();
  }
}
