/** Bounds how many handlers run at once. */
export class Semaphore {
  private available: number;
  private readonly waiters: (() => void)[] = [];

  constructor(size: number) {
    this.available = size;
  }

  async acquire(): Promise<void> {
    if (this.available > 0) {
      this.available -= 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.available += 1;
  }

  /** Wait until every permit is back (all running work finished). */
  async drain(size: number): Promise<void> {
    for (let i = 0; i < size; i += 1) await this.acquire();
    for (let i = 0; i < size; i += 1) this.release();
  }
}
