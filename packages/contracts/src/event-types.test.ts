import { describe, expectTypeOf, it } from "vitest";
import type { TTypedEnvelope } from "./envelope.ts";
import { parseEnvelope, type AnyEnvelope, type EnvelopeOf } from "./parse-envelope.ts";
import type { EventPayload, EventType } from "./registry.ts";

describe("types flow from the registry", () => {
  it("infers the payload of project.created", () => {
    expectTypeOf<EventPayload<"project.created">>().toEqualTypeOf<{ project_id: string; name: string }>();
  });

  it("infers the current (v2) payload of item.updated", () => {
    expectTypeOf<EventPayload<"item.updated">>().toEqualTypeOf<{
      item_id: string;
      project_id: string | null;
      changed_fields: string[];
    }>();
  });

  it("narrows a parsed envelope by event_type", () => {
    expectTypeOf(parseEnvelope).returns.toEqualTypeOf<AnyEnvelope>();
    const narrow = (env: AnyEnvelope) => (env.event_type === "project.created" ? env.payload : null);
    expectTypeOf(narrow).returns.toEqualTypeOf<EventPayload<"project.created"> | null>();
  });

  it("types an envelope of one event type", () => {
    expectTypeOf<EnvelopeOf<"project.created">>().toEqualTypeOf<TTypedEnvelope<"project.created", EventPayload<"project.created">>>();
    expectTypeOf<"project.created">().toExtend<EventType>();
    expectTypeOf<"project.exploded">().not.toExtend<EventType>();
  });
});
