import { randomUUID } from "node:crypto";
import { jetstream, StorageType, type JetStreamClient, type JetStreamManager, type StreamConfig } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { AccessTokenService } from "@spine/auth";
import { ensureGatewayMirror, ensureStream, eventsStreamConfig, publishEnvelope } from "@spine/bus";
import { createEnvelope, type EnvelopeOf, type EventPayload, type EventType } from "@spine/contracts";
import type { NatsTestNames, TestDatabase } from "@spine/testing";
import { pino } from "pino";
import { createGateway, type Gateway, type GatewayOptions } from "../gateway.ts";
import { TenancySeed } from "./tenancy-seed.ts";

export const TEST_TOKEN_SECRET = "gateway-test-secret-that-is-long-enough";

export interface PublishedEnvelope<T extends EventType> {
  seq: number;
  envelope: EnvelopeOf<T>;
}

/** What a harness is handed: the file's database, NATS connection (to `natsUrl`) and names. */
export interface GatewayWorld {
  db: TestDatabase;
  nc: NatsConnection;
  jsm: JetStreamManager;
  names: NatsTestNames;
  natsUrl: string;
}

/** Where the harness makes its events stream. */
export interface GatewayStreamOptions {
  /** Settings over the events stream's (memory storage by default). */
  stream?: Partial<StreamConfig>;
  /** Subject prefix instead of the file's random one. */
  prefix?: string;
  /** Stream name instead of the file's random one (a server of the test's own, e.g. with infra/nats's users). */
  streamName?: string;
  /** Also make the gateway's mirror of the stream under this name, and have gateways read it. */
  mirror?: string;
}

/**
 * One test file's world on a database and a NATS connection it is handed (the `gatewayTest` fixtures
 * own those): its own events stream and prefix, a tenancy seed, gateways on free ports. `close()` closes
 * the gateways and the seed and deletes the streams it made.
 */
export class GatewayHarness {
  readonly tokens = new AccessTokenService({ secret: TEST_TOKEN_SECRET });
  readonly #gateways: Gateway[] = [];
  #world?: GatewayWorld;

  private constructor(
    readonly db: TestDatabase,
    readonly seed: TenancySeed,
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    readonly stream: string,
    readonly prefix: string,
    readonly natsUrl: string,
    /** The stream the gateways read: `stream`, or its mirror when the harness made one. */
    readonly readStream: string,
  ) {}

  static async create(world: GatewayWorld, options: GatewayStreamOptions = {}): Promise<GatewayHarness> {
    const { db, nc, jsm, names, natsUrl } = world;
    const stream = options.streamName ?? names.stream;
    const prefix = options.prefix ?? names.prefix;
    await ensureStream(jsm, { ...eventsStreamConfig({ name: stream, prefix }), storage: StorageType.Memory, ...options.stream });
    if (options.mirror) await ensureGatewayMirror(jsm, { name: options.mirror, source: stream });
    const h = new GatewayHarness(db, TenancySeed.connect(db.ownerUrl), nc, jetstream(nc), jsm, stream, prefix, natsUrl, options.mirror ?? stream);
    h.#world = world;
    return h;
  }

  /**
   * Another harness on the same database and connection, with a stream and prefix of its own (named after
   * this file's, so the file's cleanup deletes it too) made with `options`, e.g. another retention. Close it.
   */
  withStream(label: string, options: GatewayStreamOptions = {}): Promise<GatewayHarness> {
    if (!this.#world) throw new Error("not made by GatewayHarness.create");
    const { names } = this.#world;
    const own = { prefix: `${names.prefix}_${label}`, stream: `${names.stream}_${label}`.toUpperCase(), suffix: names.suffix };
    return GatewayHarness.create({ ...this.#world, names: own }, options);
  }

  async gateway(options: Partial<GatewayOptions> = {}): Promise<Gateway> {
    const gateway = await createGateway({
      appDatabaseUrl: this.db.appUrl,
      natsUrl: this.natsUrl,
      tokenSecret: TEST_TOKEN_SECRET,
      stream: this.readStream,
      subjectPrefix: this.prefix,
      port: 0,
      logger: pino({ level: "silent" }),
      ...options,
    });
    this.#gateways.push(gateway);
    return gateway;
  }

  /** An access token of a new signed-in session of the user (or of `sessionId`, which is not created). */
  async token(userId: string, options: { tokenVersion?: number; ttlSeconds?: number; sessionId?: string } = {}): Promise<string> {
    const sessionId = options.sessionId ?? (await this.seed.session(userId));
    const { token } = await this.tokens.sign({ userId, tokenVersion: options.tokenVersion ?? 0, sessionId }, options.ttlSeconds);
    return token;
  }

  /** Publish a valid envelope to this run's stream, as the outbox relay would. */
  async publish<T extends EventType>(
    workspaceId: string,
    type: T,
    payload: EventPayload<T>,
    options: { correlationId?: string; actorId?: string | null; retryForMs?: number } = {},
  ): Promise<PublishedEnvelope<T>> {
    const envelope = createEnvelope({
      type,
      payload,
      workspaceId,
      actorId: options.actorId ?? null,
      correlationId: options.correlationId ?? `corr-${randomUUID()}`,
    });
    const deadline = Date.now() + (options.retryForMs ?? 0);
    for (;;) {
      try {
        const ack = await publishEnvelope(this.js, envelope, { prefix: this.prefix, timeoutMs: 2_000 });
        return { seq: ack.seq, envelope };
      } catch (err) {
        // Same event_id on every attempt: the stream's duplicate window keeps one copy.
        if (Date.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  /** `count` project.created envelopes, published one after another. */
  async publishProjects(workspaceId: string, count: number, label = "p"): Promise<PublishedEnvelope<"project.created">[]> {
    const out: PublishedEnvelope<"project.created">[] = [];
    for (let i = 0; i < count; i++) out.push(await this.publish(workspaceId, "project.created", { project_id: randomUUID(), name: `${label}-${i}` }));
    return out;
  }

  /** Remove a membership as the API would: the row, then its event in the stream. */
  async removeMember(workspaceId: string, userId: string, membershipId: string): Promise<PublishedEnvelope<"membership.removed">> {
    await this.seed.removeMember(workspaceId, userId);
    return this.publish(workspaceId, "membership.removed", { membership_id: membershipId, user_id: userId });
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.#gateways.map((g) => g.close()));
    if (this.readStream !== this.stream) await this.jsm.streams.delete(this.readStream).catch(() => false);
    await this.jsm.streams.delete(this.stream).catch(() => false);
    await this.seed.close();
  }
}
