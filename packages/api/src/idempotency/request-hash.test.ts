import { describe, expect, it } from "vitest";
import { requestHash } from "./request-hash.ts";

describe("requestHash", () => {
  it("ignores key order but not values or procedure", () => {
    expect(requestHash("p.create", { a: 1, b: { c: 2, d: [1, 2] } })).toBe(requestHash("p.create", { b: { d: [1, 2], c: 2 }, a: 1 }));
    expect(requestHash("p.create", { a: 1 })).not.toBe(requestHash("p.create", { a: 2 }));
    expect(requestHash("p.create", { a: 1 })).not.toBe(requestHash("p.update", { a: 1 }));
  });
});
