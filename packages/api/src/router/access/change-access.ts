import { assertNever } from "@spine/contracts";
import { applyLifecycleEvent, recordActivity, type AccessSnapshot, type Operation } from "@spine/domain";
import { toAccessStateDto, ZAccessStateSchema } from "../../dto/governance.dto.ts";
import { workspaceProcedure } from "../../trpc.ts";
import { ZChangeAccessRequestSchema, type TChangeAccessRequest } from "./access.types.ts";

/** The envelope carries RFC 3339 in UTC; the request may carry any ISO offset. */
const rfc3339 = (value: string): string => new Date(value).toISOString();

function apply(op: Operation, change: TChangeAccessRequest["change"]): Promise<AccessSnapshot> {
  const effective_at = rfc3339(change.effectiveAt ?? new Date().toISOString());
  switch (change.type) {
    case "activate":
    case "change": {
      const type = change.type === "activate" ? "access.activated" : "access.changed";
      const payload = { plan: change.plan, effective_at, expires_at: change.expiresAt === null ? null : rfc3339(change.expiresAt) };
      return applyLifecycleEvent(op, type === "access.activated" ? { type, payload } : { type, payload });
    }
    case "deactivate":
      return applyLifecycleEvent(op, { type: "access.deactivated", payload: { reason: change.reason, effective_at } });
    default:
      return assertNever(change, "access change");
  }
}

/**
 * Owners activate, change or deactivate the workspace's access: one access.* event, recorded and
 * folded into the state in the same transaction (a future effectiveAt takes effect when its time
 * comes). Allowed while access is inactive: it is how access comes back.
 */
export const changeAccessRoute = workspaceProcedure("access.manage", ZChangeAccessRequestSchema, { allowInactiveAccess: true })
  .output(ZAccessStateSchema)
  .mutation(({ ctx, input }) =>
    ctx.run(async (op) => {
      const state = await apply(op, input.change);
      const verb = `${input.change.type}d`;
      recordActivity(op, { verb, targetType: "access", targetId: null, summary: `${verb} access${state.plan ? ` on plan ${state.plan}` : ""}` });
      return toAccessStateDto(state, new Date());
    }),
  );
