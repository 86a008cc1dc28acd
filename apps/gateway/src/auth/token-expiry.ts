/** Longest delay setTimeout honours; longer waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The socket's access deadline: warn `leadMs` before the token expires, cut the socket off
 * when it does, unless a refresh moved the deadline.
 */
export class TokenExpiry {
  #timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly leadMs: number,
    private readonly onExpiring: (expiresAt: Date) => void,
    private readonly onExpired: () => void,
  ) {}

  schedule(expiresAt: Date): void {
    this.clear();
    const warnAt = expiresAt.getTime() - this.leadMs;
    if (warnAt > Date.now()) this.#at(warnAt, () => this.onExpiring(expiresAt));
    else this.onExpiring(expiresAt);
    this.#at(expiresAt.getTime(), () => this.onExpired());
  }

  clear(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers = [];
  }

  #at(when: number, fn: () => void): void {
    const delay = when - Date.now();
    const timer = setTimeout(() => (when > Date.now() ? this.#at(when, fn) : fn()), Math.max(0, Math.min(delay, MAX_TIMER_MS)));
    timer.unref();
    this.#timers.push(timer);
  }
}
