import pg from "pg";

/** What the listener reports through (a pino logger fits). */
export interface OutboxListenerLogger {
  warn(obj: object, msg: string): void;
}

/** The channel the outbox trigger notifies on every insert. */
export const OUTBOX_CHANNEL = "spine_outbox";

/**
 * LISTENs on the outbox channel and calls `onWake` on every notification. A hint only: the relay
 * also polls, so a dropped connection (reconnected here with a delay) loses no event.
 */
export class OutboxListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly url: string,
    private readonly onWake: () => void,
    private readonly logger: OutboxListenerLogger,
    private readonly retryMs = 1_000,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.url });
    client.on("notification", () => this.onWake());
    client.on("error", (err) => {
      this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, "outbox listener connection failed");
      this.reconnectLater(client);
    });
    client.on("end", () => this.reconnectLater(client));
    try {
      await client.connect();
      await client.query(`listen ${OUTBOX_CHANNEL}`);
      this.client = client;
      // Rows may have committed while we were not listening.
      this.onWake();
    } catch (err) {
      this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, "outbox listener could not connect");
      this.reconnectLater(client);
    }
  }

  private readonly dead = new WeakSet<pg.Client>();

  private reconnectLater(client: pg.Client): void {
    // One client failing may emit both "error" and "end": reconnect once per client.
    if (this.dead.has(client)) return;
    this.dead.add(client);
    if (this.client === client) this.client = null;
    client.removeAllListeners("end");
    client.end().catch(() => undefined);
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, this.retryMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const client = this.client;
    this.client = null;
    if (client) {
      this.dead.add(client);
      client.removeAllListeners("end");
      await client.end().catch(() => undefined);
    }
  }
}
