import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { User } from "./entities.ts";
import { dummyPasswordHash, verifyPassword } from "./password.ts";

/** The user whose email and password match; one vague error for every miss. */
export async function verifyCredentials(op: Operation, email: string, password: string): Promise<User> {
  const user = await op.em.findOne(User, { email: email.trim().toLowerCase(), deletedAt: null });
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
  if (!user || !ok) throw new AppError("UNAUTHENTICATED", "invalid email or password");
  return user;
}
