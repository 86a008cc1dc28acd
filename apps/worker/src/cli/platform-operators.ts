import { parseArgs } from "node:util";
import type { Logger } from "@spine/bus";
import { grantPlatformOperator, listPlatformOperators, newId, recordSystemAudit, revokePlatformOperator } from "@spine/domain";
import type { TCliEnv } from "../env.ts";
import { withDomain } from "./database.ts";
import { ACTOR_OPTION, operatorName } from "./operator.ts";
import { printJson, UsageError } from "./output.ts";

export const OPERATORS_USAGE = "usage: spine operators grant <email> | revoke <email> | list [--actor <operator>]";

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * `spine operators grant|revoke <email>`, `spine operators list`: who is a platform operator (may list,
 * inspect and replay dead letters and failed integration events of every workspace through the API's
 * `operator.*`). The only way to grant the role: no API procedure writes it. Runs as the system role;
 * grants and revocations go to the system audit trail with the operator's name.
 */
export async function platformOperators(env: TCliEnv, args: string[], logger: Logger): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...ACTOR_OPTION } });
  const [command, email, ...extra] = positionals;
  if (command === "list") {
    if (email !== undefined) throw new UsageError(OPERATORS_USAGE);
    const rows = await withDomain(env, (domain) =>
      domain.runSystem({ workspaceId: null, actorId: null, actorType: "system", correlationId: `cli-operators-list-${newId()}` }, (op) => listPlatformOperators(op)),
    );
    for (const r of rows) printJson({ user_id: r.user_id, email: r.email, granted_by: r.granted_by, granted_at: new Date(r.granted_at).toISOString() });
    return;
  }
  if ((command !== "grant" && command !== "revoke") || !email || extra.length > 0) throw new UsageError(OPERATORS_USAGE);
  if (!EMAIL.test(email) || email.length > 320) throw new UsageError(`not an email address: ${email}\n${OPERATORS_USAGE}`);
  const operator = operatorName(values.actor);
  const correlationId = `cli-operators-${command}-${newId()}`;
  const result = await withDomain(env, (domain) =>
    domain.runSystem({ workspaceId: null, actorId: null, actorType: "system", correlationId }, async (op) => {
      const outcome = command === "grant"
        ? await grantPlatformOperator(op, { email, grantedBy: operator }).then((r) => ({ userId: r.userId, changed: r.created }))
        : await revokePlatformOperator(op, { email }).then((r) => ({ userId: r.userId, changed: r.removed }));
      if (outcome.changed) {
        await recordSystemAudit(op, {
          action: command === "grant" ? "platform_operator.granted" : "platform_operator.revoked", targetType: "user", targetId: outcome.userId,
          actorId: null, actorType: "system", actorName: operator,
        });
      }
      return outcome;
    }),
  );
  logger.info({ correlation_id: correlationId, user_id: result.userId, changed: result.changed }, `platform operator ${command}`);
  printJson({ user_id: result.userId, email, platform_operator: command === "grant", changed: result.changed });
}
