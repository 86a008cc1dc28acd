/** Longest delay setTimeout honours; longer waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Who is told about the deadline: the socket's session, through methods rather than closures per socket. */
export interface ExpiryTarget {
  /** `leadMs` before the deadline (at once if the token is already that close). */
  tokenExpiring(expiresAt: Date): void;
  /** The deadline passed without a refresh. */
  tokenExpired(): void;
}

/**
 * The socket's access deadline: warn `leadMs` before the token expires, cut the socket off
 * when it does, unless a refresh moved the deadline. One timer at a time: the warning's, then the
 * deadline's.
 */
export class TokenExpiry {
  #timer: NodeJS.Timeout | null = null;
  #expiresAt = 0;
  #warned = false;

  constructor(
    private readonly leadMs: number,
    private readonly target: ExpiryTarget,
  ) {}

  schedule(expiresAt: Date): void {
    this.clear();
    this.#expiresAt = expiresAt.getTime();
    this.#warned = false;
    this.#arm(false);
  }

  clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** The deadline is only acted on from the timer, so `schedule` never cuts the socket off synchronously. */
  #arm(fromTimer: boolean): void {
    const now = Date.now();
    if (!this.#warned && this.#expiresAt - this.leadMs <= now) {
      this.#warned = true;
      this.target.tokenExpiring(new Date(this.#expiresAt));
    }
    if (fromTimer && this.#warned && this.#expiresAt <= now) {
      this.target.tokenExpired();
      return;
    }
    const next = this.#warned ? this.#expiresAt : this.#expiresAt - this.leadMs;
    this.#timer = setTimeout(TokenExpiry.#fire, Math.max(0, Math.min(next - now, MAX_TIMER_MS)), this);
    this.#timer.unref();
  }

  /** One function for every socket's timer: the timer passes the expiry it belongs to. */
  static #fire(this: void, expiry: TokenExpiry): void {
    expiry.#timer = null;
    expiry.#arm(true);
  }
}
