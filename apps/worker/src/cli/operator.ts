import { userInfo } from "node:os";
import { appUrlFrom, Domain, newId, recordSystemAudit, type SystemAuditEntry } from "@spine/domain";
import type { TCliEnv } from "../env.ts";
import { UsageError } from "./output.ts";

/** The `--actor` option every operator command accepts. */
export const ACTOR_OPTION = { actor: { type: "string" } } as const;

/** Who runs an operator command: `--actor <name>`, else the OS user. */
export function operatorName(actor: string | undefined): string {
  if (actor !== undefined) {
    const name = actor.trim();
    if (!name || name.length > 200) throw new UsageError("--actor must be 1 to 200 characters");
    return name;
  }
  try {
    return userInfo().username;
  } catch {
    return "unknown";
  }
}

/** Record an operator action in the system audit trail, as a system actor named after the operator. */
export async function auditOperatorAction(
  env: TCliEnv,
  operator: string,
  entry: Omit<SystemAuditEntry, "actorName" | "actorId" | "actorType">,
  correlationId = `cli-${newId()}`,
): Promise<void> {
  if (!env.DATABASE_URL) throw new UsageError("DATABASE_URL is required for this command");
  const domain = await Domain.create({ clientUrl: appUrlFrom(env.DATABASE_URL), poolMax: 1 });
  try {
    await domain.run({ workspaceId: null, actorId: null, actorType: "system", correlationId }, (op) =>
      recordSystemAudit(op, { ...entry, actorId: null, actorType: "system", actorName: operator }),
    );
  } finally {
    await domain.close();
  }
}
