import type {
  AnyEnvelope,
  AppErrorCode,
  EnvelopeOf,
  EventType,
  TCursor,
  TResyncReason,
  TSubscriptionEndReason,
} from "@spine/contracts";

export interface RealtimeClientOptions {
  /** Gateway base URL, e.g. `http://127.0.0.1:4001`. */
  url: string;
  /** The API's access token; asked again for every (re)connect and when the gateway warns of expiry. */
  getToken: () => string | Promise<string>;
  /** Cursors the app persisted, keyed by workspace id, to resume after a restart. */
  cursors?: Record<string, TCursor>;
  /** Milliseconds a request waits for the gateway's answer. */
  requestTimeoutMs?: number;
  /** Reconnect backoff bounds (ms). */
  reconnectDelayMs?: number;
  reconnectDelayMaxMs?: number;
  /** Connect at once (default) or wait for `connect()`. */
  autoConnect?: boolean;
}

export interface EventMeta {
  workspaceId: string;
  /** Resume position of this envelope; persist it to resume after a restart. */
  cursor: TCursor;
}

export type EnvelopeHandler<T extends EventType> = (envelope: EnvelopeOf<T>, meta: EventMeta) => void;
export type AnyEnvelopeHandler = (envelope: AnyEnvelope, meta: EventMeta) => void;

export interface ResyncRequired {
  workspaceId: string;
  /** `history_exhausted` / `cursor_unknown`: events were missed; reload state from the API. */
  reason: Extract<TResyncReason, "history_exhausted" | "cursor_unknown">;
}

export interface SubscriptionEnded {
  workspaceId: string;
  reason: TSubscriptionEndReason;
}

export class RealtimeError extends Error {
  override readonly name = "RealtimeError";
  constructor(
    readonly code: AppErrorCode | "TIMEOUT" | "CLOSED",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
  static isRealtimeError(err: unknown): err is RealtimeError {
    return err instanceof RealtimeError;
  }
}

export type Unsubscribe = () => void;

export interface RealtimeClient {
  /** Receive a workspace's envelopes; resolves once the gateway accepted (rejects on FORBIDDEN). Kept across reconnects. */
  subscribe(workspaceId: string): Promise<{ cursor: TCursor }>;
  unsubscribe(workspaceId: string): Promise<void>;
  /** Envelopes of one type, payload typed from the contracts registry. */
  on<T extends EventType>(type: T, handler: EnvelopeHandler<T>): Unsubscribe;
  /** Every envelope. */
  onAny(handler: AnyEnvelopeHandler): Unsubscribe;
  /** Events were missed beyond the gateway's history; the client already re-subscribed live. */
  onResyncRequired(handler: (info: ResyncRequired) => void): Unsubscribe;
  /** Access to a workspace ended (membership removed, workspace deleted). */
  onSubscriptionEnded(handler: (info: SubscriptionEnded) => void): Unsubscribe;
  onError(handler: (error: RealtimeError) => void): Unsubscribe;
  /** Last cursor seen for a workspace (persist it to resume across restarts). */
  cursor(workspaceId: string): TCursor | null;
  readonly connected: boolean;
  connect(): void;
  /** Drop the connection but keep subscriptions and cursors; `connect()` resumes. */
  disconnect(): void;
  close(): void;
}
