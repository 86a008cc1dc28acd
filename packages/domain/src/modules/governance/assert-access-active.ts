import type { Operation } from "../../operation/operation.ts";
import { AppError } from "../../errors/app-error.ts";
import { accessStatusAt, foldAccessHistory, type AccessStatus } from "./access-fold.ts";
import { loadAccessHistory } from "./apply-lifecycle-event.ts";

/** A workspace's row of `demo_access_states`, as the gate reads it. */
export interface GateRow {
  state: "active" | "inactive";
  reason: string | null;
  expires_at: Date | null;
  next_transition_at: Date | null;
}

const GATE = `select state, reason, expires_at, next_transition_at from demo_access_states where workspace_id = ?`;

export interface AccessVerdict {
  status: AccessStatus;
  reason: string | null;
  expiresAt: Date | null;
}

/** The workspace's access as the gate sees it at `now`, with what ended it. */
export async function accessStatus(op: Operation, now: Date = new Date()): Promise<AccessVerdict> {
  const [row] = await op.em.execute<GateRow[]>(GATE, [op.workspaceId]);
  return accessStatusOf(op, row ?? null, now);
}

/** As `accessStatus`, from a gate row already read (the authorization statement reads it with the membership). */
export async function accessStatusOf(op: Operation, row: GateRow | null, now: Date = new Date()): Promise<AccessVerdict> {
  if (!row) return { status: "inactive", reason: "no access", expiresAt: null };
  let snapshot = { state: row.state, reason: row.reason, expiresAt: row.expires_at === null ? null : new Date(row.expires_at) };
  // A future-dated change came due and the expiry job has not folded it yet: fold it here (read-only).
  if (row.next_transition_at !== null && new Date(row.next_transition_at).getTime() <= now.getTime()) {
    snapshot = foldAccessHistory(await loadAccessHistory(op), now);
  }
  const status = accessStatusAt(snapshot, now);
  return { status, reason: status === "expired" ? "expired" : snapshot.reason, expiresAt: snapshot.expiresAt };
}

/**
 * The access gate: writes to a workspace whose access is inactive or past its expiry are refused
 * with ACCESS_INACTIVE (state, reason, expiresAt). Called once per write at each entry point (every
 * tRPC mutation on a workspace except `access.change`, webhook ingestion, agent runs); reads never call it.
 */
export async function assertAccessActive(op: Operation, now: Date = new Date()): Promise<void> {
  refuseInactive(await accessStatus(op, now));
}

/** Throw ACCESS_INACTIVE unless the verdict is active. */
export function refuseInactive({ status, reason, expiresAt }: AccessVerdict): void {
  if (status === "active") return;
  throw new AppError("ACCESS_INACTIVE", `workspace access is ${status}; the workspace is read-only`, {
    issues: [{ path: "access", message: `access ${status}${reason ? ` (${reason})` : ""}: reads and exports work, writes are refused` }],
    details: { state: status, reason, expiresAt: expiresAt === null ? null : expiresAt.toISOString() },
  });
}
