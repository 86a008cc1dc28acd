import { TokenError } from "@spine/auth";
import type { ExtendedError } from "socket.io";
import type { GatewayResources } from "../gateway-resources.ts";
import type { GatewaySocket } from "../socket-types.ts";
import { checkUserToken } from "@spine/domain/reads";

export type AuthFailure = "missing_token" | "expired" | "invalid" | "revoked";

function refuse(reason: AuthFailure): ExtendedError {
  const err: ExtendedError = new Error("unauthorized");
  err.data = { code: "UNAUTHENTICATED", reason };
  return err;
}

function tokenFrom(auth: unknown): string | null {
  if (typeof auth !== "object" || auth === null || !("token" in auth)) return null;
  const token = auth.token;
  return typeof token === "string" && token.length > 0 && token.length <= 4096 ? token : null;
}

/** Verify an access token and that its user still honours it; the reason when not. */
export async function authenticate(r: GatewayResources, token: string) {
  try {
    const claims = await r.tokens.verify(token);
    const check = await checkUserToken(r.pool, claims);
    return check === "ok" ? ({ ok: true, claims } as const) : ({ ok: false, reason: "revoked" } as const);
  } catch (err) {
    if (err instanceof TokenError) return { ok: false, reason: err.reason } as const;
    throw err;
  }
}

/**
 * Socket.IO middleware: every connection, reconnects included, presents a valid access token
 * of a current user (no recovered session skips this; connection state recovery is off).
 */
export function handshakeAuth(r: GatewayResources) {
  return (socket: GatewaySocket, next: (err?: ExtendedError) => void): void => {
    const token = tokenFrom(socket.handshake.auth);
    if (!token) {
      r.metrics.authRejected += 1;
      next(refuse("missing_token"));
      return;
    }
    authenticate(r, token).then(
      (result) => {
        if (!result.ok) {
          r.metrics.authRejected += 1;
          r.logger.info({ reason: result.reason, address: socket.handshake.address }, "handshake refused");
          next(refuse(result.reason));
          return;
        }
        socket.data.claims = result.claims;
        next();
      },
      (err: unknown) => {
        r.logger.error({ err }, "handshake check failed");
        next(new Error("unavailable"));
      },
    );
  };
}
