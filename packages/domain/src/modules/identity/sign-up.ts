import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { newId } from "../../shared/ids.ts";
import { recordSystemAudit } from "../ops/record-system-audit.ts";
import { User } from "./entities.ts";
import { hashPassword } from "./password.ts";

export interface SignUpInput {
  email: string;
  password: string;
  displayName: string;
}

/** Create a user account; emails are unique case-insensitively. */
export async function signUp(op: Operation, input: SignUpInput): Promise<User> {
  const email = input.email.trim().toLowerCase();
  const existing = await op.em.findOne(User, { email });
  if (existing) throw AppError.conflict("an account with this email exists", [{ path: "email", message: "already registered" }]);
  const user = op.em.create(User, {
    id: newId(),
    email,
    passwordHash: await hashPassword(input.password),
    displayName: input.displayName.trim(),
  });
  await op.em.flush();
  await recordSystemAudit(op, { action: "user.sign_up", targetType: "user", targetId: user.id, actorId: user.id, actorType: "user" });
  return user;
}
