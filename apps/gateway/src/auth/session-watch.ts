import type pg from "pg";
import type { Logger } from "pino";
import type { EventPayload } from "@spine/contracts";
import { checkTokenSessions, type TokenSession, type UserTokenCheck } from "@spine/domain/reads";

/** An open socket as the watch sees it: the claims it currently holds, and how to cut it off. */
export interface WatchedSocket {
  claims(): TokenSession;
  revoke(reason: Exclude<UserTokenCheck, "ok">): void;
}

/** Sockets checked per query. */
const BATCH = 1000;

/**
 * Applies `session.revoked` signals (a system event every gateway reads from the stream) at once and,
 * as the fallback for a signal that never comes, checks every open socket's token again every `intervalMs`, all in one query per batch (not one
 * timer and one transaction per socket): a signed-out session, a sign-out-everywhere (bumped
 * token_version) or a deleted user loses its open sockets at the next round.
 */
export class SessionWatch {
  readonly #sockets = new Set<WatchedSocket>();
  #timer: NodeJS.Timeout | null = null;
  #running = false;

  constructor(
    private readonly pool: pg.Pool,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  add(socket: WatchedSocket): void {
    this.#sockets.add(socket);
    if (!this.#timer) {
      this.#timer = setInterval(() => void this.checkNow(), this.intervalMs);
      this.#timer.unref();
    }
  }

  remove(socket: WatchedSocket): void {
    this.#sockets.delete(socket);
    if (this.#sockets.size === 0) this.stop();
  }

  /**
   * A `session.revoked` signal: cut, now, every open socket of that session — or, when every session
   * of the user was revoked, every socket of the user holding a token older than `token_version`.
   * Returns how many sockets were cut.
   */
  applyRevocation(signal: EventPayload<"session.revoked">): number {
    const userId = signal.user_id.toLowerCase();
    const sessionId = signal.session_id?.toLowerCase() ?? null;
    let cut = 0;
    for (const socket of [...this.#sockets]) {
      const claims = socket.claims();
      if (claims.userId.toLowerCase() !== userId) continue;
      if (sessionId !== null && claims.sessionId.toLowerCase() === sessionId) {
        socket.revoke("session_revoked");
        cut += 1;
      } else if (sessionId === null && signal.token_version !== null && claims.tokenVersion < signal.token_version) {
        socket.revoke("token_revoked");
        cut += 1;
      }
    }
    return cut;
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** One round over every open socket; a round still running is not overlapped. */
  async checkNow(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      const all = [...this.#sockets];
      for (let i = 0; i < all.length; i += BATCH) {
        const batch = all.slice(i, i + BATCH);
        const claims = batch.map((s) => s.claims());
        const verdicts = await checkTokenSessions(this.pool, claims);
        batch.forEach((socket, j) => {
          const verdict = verdicts[j];
          // A socket that refreshed its token meanwhile is judged on the new one next round.
          if (verdict && verdict !== "ok" && this.#sockets.has(socket) && socket.claims() === claims[j]) socket.revoke(verdict);
        });
      }
    } catch (err) {
      // Postgres unreachable: keep the sockets (the handshake refuses new ones meanwhile) and try again next round.
      this.logger.error({ err }, "session recheck failed");
    } finally {
      this.#running = false;
    }
  }
}
