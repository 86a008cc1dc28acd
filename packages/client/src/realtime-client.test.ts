import type { AnyEnvelope, EnvelopeOf, TCursor } from "@spine/contracts";
import { describe, expect, expectTypeOf, it } from "vitest";
import { createRealtimeClient } from "./realtime-client.ts";
import { isAfter } from "./realtime-cursor.ts";
import type { EventMeta, RealtimeClient, ResyncRequired, SubscriptionEnded } from "./realtime-types.ts";

// Behaviour against a live gateway is tested in apps/gateway (real Postgres and NATS); here: the types and pure parts.
describe("realtime client types", () => {
  const client: RealtimeClient = createRealtimeClient({ url: "http://127.0.0.1:9", getToken: () => "t", autoConnect: false });

  it("infers the payload of on(type) from the contracts registry", () => {
    client.on("project.created", (envelope, meta) => {
      expectTypeOf(envelope).toEqualTypeOf<EnvelopeOf<"project.created">>();
      expectTypeOf(envelope.event_type).toEqualTypeOf<"project.created">();
      expectTypeOf(envelope.payload).toEqualTypeOf<{ project_id: string; name: string }>();
      expectTypeOf(envelope.correlation_id).toEqualTypeOf<string>();
      expectTypeOf(meta).toEqualTypeOf<EventMeta>();
    });
    client.on("item.updated", (envelope) => {
      expectTypeOf(envelope.payload.project_id).toEqualTypeOf<string | null>();
      expectTypeOf(envelope.payload.changed_fields).toEqualTypeOf<string[]>();
    });
    client.on("membership.removed", (envelope) => {
      expectTypeOf(envelope.payload).toHaveProperty("user_id").toEqualTypeOf<string>();
    });
    client.onAny((envelope) => {
      expectTypeOf(envelope).toEqualTypeOf<AnyEnvelope>();
      if (envelope.event_type === "document.ingested") expectTypeOf(envelope.payload.chunk_count).toEqualTypeOf<number>();
    });
  });

  it("rejects unknown event types and mismatched handlers at compile time", () => {
    // @ts-expect-error not a registered event type
    client.on("project.exploded", () => undefined);
    // @ts-expect-error the payload of project.created has no item_id
    client.on("project.created", (envelope: EnvelopeOf<"item.created">) => envelope.payload.item_id);
    // The assertions are the two @ts-expect-error lines: `pnpm typecheck` fails if either call compiles.
  });

  it("types the lifecycle callbacks", () => {
    expectTypeOf<RealtimeClient["subscribe"]>().returns.resolves.toEqualTypeOf<{ cursor: TCursor }>();
    expectTypeOf<RealtimeClient["onResyncRequired"]>().parameter(0).parameter(0).toEqualTypeOf<ResyncRequired>();
    expectTypeOf<ResyncRequired["reason"]>().toEqualTypeOf<"history_exhausted" | "cursor_unknown">();
    expectTypeOf<RealtimeClient["onSubscriptionEnded"]>().parameter(0).parameter(0).toEqualTypeOf<SubscriptionEnded>();
    expectTypeOf<RealtimeClient["cursor"]>().returns.toEqualTypeOf<TCursor | null>();
  });

  it("keeps subscriptions while disconnected and refuses after close", async () => {
    const pending = client.subscribe("0193f1e2-7a1b-7c3d-8e4f-a1b2c3d4e5f6");
    expect(client.connected).toBe(false);
    client.close();
    await expect(pending).rejects.toMatchObject({ code: "CLOSED" });
    await expect(client.subscribe("0193f1e2-7a1b-7c3d-8e4f-a1b2c3d4e5f6")).rejects.toMatchObject({ code: "CLOSED" });
  });
});

describe("cursor order", () => {
  it("compares stream sequences past 2^53 exactly", () => {
    expect(isAfter("9007199254740993", "9007199254740992")).toBe(true);
    expect(isAfter("10", "9")).toBe(true);
    expect(isAfter("9", "10")).toBe(false);
    expect(isAfter("5", "5")).toBe(false);
    expect(isAfter("1", null)).toBe(true);
    expect(isAfter("18446744073709551615", "18446744073709551614")).toBe(true);
    expect(isAfter("100", "99")).toBe(true);
    expect(isAfter("0", "0")).toBe(false);
    // Against BigInt's order over a spread of pairs.
    const samples = ["0", "1", "9", "10", "11", "99", "100", "101", "9007199254740991", "9007199254740993", "18446744073709551615"];
    for (const a of samples) for (const b of samples) expect(isAfter(a, b), `${a} > ${b}`).toBe(BigInt(a) > BigInt(b));
  });
});
