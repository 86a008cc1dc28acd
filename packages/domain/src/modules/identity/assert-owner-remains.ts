import { LockMode } from "@mikro-orm/core";
import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { Role, WorkspaceMembership } from "./entities.ts";

/**
 * Refuse to take the owner role from `membership` if it is the last owner. Owner rows are
 * locked so two owners cannot demote each other at once.
 */
export async function assertOwnerRemains(op: Operation, membership: WorkspaceMembership): Promise<void> {
  const owner = await op.em.findOneOrFail(Role, { key: "owner" });
  if (membership.roleId !== owner.id) return;
  const owners = await op.em.find(WorkspaceMembership, { roleId: owner.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (owners.filter((m) => m.id !== membership.id).length === 0) {
    throw AppError.precondition("the last owner can be neither removed nor demoted");
  }
}
