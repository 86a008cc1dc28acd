import { randomUUID } from "node:crypto";
import { jetstream, jetstreamManager, StorageType, type JetStreamClient, type JetStreamManager, type StreamConfig } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { AccessTokenService } from "@spine/auth";
import { connectNats, ensureGatewayMirror, ensureStream, eventsStreamConfig, publishEnvelope } from "@spine/bus";
import { createEnvelope, type EnvelopeOf, type EventPayload, type EventType } from "@spine/contracts";
import { createTestDatabase, natsTestNames, TEST_NATS_URL, type TestDatabase } from "@spine/testing";
import { pino } from "pino";
import { createGateway, type Gateway, type GatewayOptions } from "../gateway.ts";
import { TenancySeed } from "./tenancy-seed.ts";

export const TEST_TOKEN_SECRET = "gateway-test-secret-that-is-long-enough";

export interface PublishedEnvelope<T extends EventType> {
  seq: number;
  envelope: EnvelopeOf<T>;
}

/** One test file's world: a fresh database, its own events stream and prefix, gateways on free ports. */
export class GatewayHarness {
  readonly tokens = new AccessTokenService({ secret: TEST_TOKEN_SECRET });
  readonly #gateways: Gateway[] = [];

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

  static async start(
    label: string,
    options: {
      stream?: Partial<StreamConfig>;
      natsUrl?: string;
      prefix?: string;
      natsAuth?: { user: string; pass: string };
      /** Stream name instead of a random one (a server of the test's own, e.g. with infra/nats's users). */
      streamName?: string;
      /** Also make the gateway's mirror of the stream under this name, and have gateways read it. */
      mirror?: string;
    } = {},
  ): Promise<GatewayHarness> {
    const db = await createTestDatabase(label);
    const names = { ...natsTestNames(label), ...(options.streamName ? { stream: options.streamName } : {}) };
    const prefix = options.prefix ?? names.prefix;
    const natsUrl = options.natsUrl ?? TEST_NATS_URL;
    const nc = await connectNats({ servers: natsUrl, name: `gateway-test-${label}`, ...options.natsAuth });
    const jsm = await jetstreamManager(nc);
    await ensureStream(jsm, { ...eventsStreamConfig({ name: names.stream, prefix }), storage: StorageType.Memory, ...options.stream });
    if (options.mirror) await ensureGatewayMirror(jsm, { name: options.mirror, source: names.stream });
    return new GatewayHarness(db, TenancySeed.connect(db.ownerUrl), nc, jetstream(nc), jsm, names.stream, prefix, natsUrl, options.mirror ?? names.stream);
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
    await this.nc.close();
    await this.seed.close();
    await this.db.drop();
  }
}
