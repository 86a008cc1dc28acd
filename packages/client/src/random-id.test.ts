import { afterEach, describe, expect, it, vi } from "vitest";
import { randomId } from "./random-id.ts";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("randomId (correlation ids and Idempotency-Keys on every runtime)", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("uses crypto.randomUUID where the runtime has it", () => {
    expect(randomId()).toMatch(UUID_V4);
  });

  it("builds a v4 UUID from crypto.getRandomValues where randomUUID is missing (React Native with a polyfill, plain-HTTP pages)", () => {
    const getRandomValues = vi.fn((bytes: Uint8Array) => bytes.fill(0xff));
    vi.stubGlobal("crypto", { getRandomValues });
    expect(randomId()).toBe("ffffffff-ffff-4fff-bfff-ffffffffffff");
    expect(getRandomValues).toHaveBeenCalledOnce();
  });

  it("still answers distinct v4 UUIDs without any crypto global", () => {
    vi.stubGlobal("crypto", undefined);
    const ids = new Set(Array.from({ length: 1000 }, () => randomId()));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(id).toMatch(UUID_V4);
  });
});
