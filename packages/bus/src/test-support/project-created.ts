import { randomUUID } from "node:crypto";
import { createEnvelope, type EnvelopeOf } from "@spine/contracts";

/** A valid `project.created` envelope for a workspace. */
export function projectCreated(workspaceId: string, name = "P"): EnvelopeOf<"project.created"> {
  return createEnvelope({
    type: "project.created",
    payload: { project_id: randomUUID(), name },
    workspaceId,
    actorId: null,
    correlationId: `test-${randomUUID()}`,
  });
}
