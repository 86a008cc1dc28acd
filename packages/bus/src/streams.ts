import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/nats-core";
import { EVENTS_SUBJECT_PREFIX } from "@spine/contracts";

export const DEFAULT_EVENTS_STREAM = "EVENTS";
export const DEFAULT_DUPLICATE_WINDOW_MS = 2 * 60_000;
export const DEFAULT_EVENTS_MAX_AGE_MS = 7 * 24 * 60 * 60_000;

export interface EventsStreamOptions {
  /** Stream name; `EVENTS` in production, random in tests. */
  name?: string;
  /** Subject prefix; the stream captures `<prefix>.>`. */
  prefix?: string;
  /** Re-publishes of one `event_id` inside this window are dropped. */
  duplicateWindowMs?: number;
  /** How long the stream keeps events (the realtime resume and replay horizon). */
  maxAgeMs?: number;
  replicas?: number;
}

/** The `EVENTS` stream as code: every envelope, on `<prefix>.<workspace>.<event_type>`. */
export function eventsStreamConfig(options: EventsStreamOptions = {}): Partial<StreamConfig> & { name: string } {
  const prefix = options.prefix ?? EVENTS_SUBJECT_PREFIX;
  return {
    name: options.name ?? DEFAULT_EVENTS_STREAM,
    subjects: [`${prefix}.>`],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(options.maxAgeMs ?? DEFAULT_EVENTS_MAX_AGE_MS),
    duplicate_window: nanos(options.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS),
    num_replicas: options.replicas ?? 1,
  };
}

export interface JobsStreamOptions {
  name?: string;
  /** The stream captures `<prefix>.>`; one subject per job kind. */
  prefix?: string;
  maxAgeMs?: number;
  replicas?: number;
}

/** A work-queue stream for commands (each message is consumed once, then removed). */
export function jobsStreamConfig(options: JobsStreamOptions = {}): Partial<StreamConfig> & { name: string } {
  return {
    name: options.name ?? "JOBS",
    subjects: [`${options.prefix ?? "job"}.>`],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(options.maxAgeMs ?? DEFAULT_EVENTS_MAX_AGE_MS),
    duplicate_window: nanos(DEFAULT_DUPLICATE_WINDOW_MS),
    num_replicas: options.replicas ?? 1,
  };
}

function isStreamNotFound(err: unknown): boolean {
  return err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound;
}

/** A JetStream answer that a cluster gives while it elects leaders or places a new R3 stream. */
function isTransient(err: unknown): boolean {
  const text = err instanceof Error ? `${err.name} ${err.message} ${err.cause instanceof Error ? err.cause.message : ""}` : "";
  return /timeout|no responders|temporarily unavailable|not enabled|no suitable peers/i.test(text);
}

/**
 * Create the stream, or update it to `config` if it exists: safe to call at every start. On a cluster
 * that is still electing leaders (a request timeout, "JetStream system temporarily unavailable") it
 * tries again for up to `retryForMs` (60 s) before giving up.
 */
export async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }, retryForMs = 60_000): Promise<StreamInfo> {
  const deadline = Date.now() + retryForMs;
  for (;;) {
    try {
      return await ensureStreamOnce(jsm, config);
    } catch (err) {
      if (!isTransient(err) || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

async function ensureStreamOnce(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<StreamInfo> {
  try {
    await jsm.streams.info(config.name);
  } catch (err) {
    if (!isStreamNotFound(err)) throw err;
    try {
      return await jsm.streams.add(config);
    } catch (addErr) {
      // Another process created it between our info and add: fall through to update.
      if (!(addErr instanceof JetStreamApiError)) throw addErr;
    }
  }
  const { storage: _storage, ...updatable } = config;
  return jsm.streams.update(config.name, updatable);
}

export function ensureEventsStream(jsm: JetStreamManager, options: EventsStreamOptions = {}): Promise<StreamInfo> {
  return ensureStream(jsm, eventsStreamConfig(options));
}

export const DEFAULT_GATEWAY_STREAM = "EVENTS_GATEWAY";

export interface GatewayMirrorOptions {
  /** The mirror's name (`EVENTS_GATEWAY`). */
  name?: string;
  /** The stream it mirrors (`EVENTS`). */
  source?: string;
  maxAgeMs?: number;
  replicas?: number;
}

/**
 * The gateway's own copy of the events stream: a mirror keeps the origin's sequence numbers, so
 * cursors are the same, and the gateway's consumers live on a stream nobody else uses — its NATS
 * user may create and delete consumers there without being able to touch the worker's or a tool's.
 */
export function gatewayMirrorConfig(options: GatewayMirrorOptions = {}): Partial<StreamConfig> & { name: string } {
  return {
    name: options.name ?? DEFAULT_GATEWAY_STREAM,
    mirror: { name: options.source ?? DEFAULT_EVENTS_STREAM },
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    max_age: nanos(options.maxAgeMs ?? DEFAULT_EVENTS_MAX_AGE_MS),
    num_replicas: options.replicas ?? 1,
  };
}

export function ensureGatewayMirror(jsm: JetStreamManager, options: GatewayMirrorOptions = {}): Promise<StreamInfo> {
  return ensureStream(jsm, gatewayMirrorConfig(options));
}
