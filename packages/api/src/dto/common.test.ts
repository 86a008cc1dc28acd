import { describe, expect, it } from "vitest";
import { zBoundedArray, ZJsonObjectSchema } from "./common.ts";
import { z } from "zod";

/** A value nested `depth` levels, built without recursion. */
function deepValue(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: "x" };
  for (let i = 1; i < depth; i += 1) value = { a: value };
  return value;
}

describe("input schemas bound their work before anything recursive runs", () => {
  it("a 10,000-deep JSON object is one depth issue, not a stack overflow", () => {
    const result = ZJsonObjectSchema.safeParse(deepValue(10_000));
    expect(result.success).toBe(false);
    expect(result.error?.issues).toHaveLength(1);
    expect(result.error?.issues[0]?.message).toMatch(/nested at most 64 levels/);
  });

  it("accepts a JSON object within the depth limit", () => {
    expect(ZJsonObjectSchema.safeParse(deepValue(60)).success).toBe(true);
  });

  it("caps an array before validating its elements: one issue for 50,000 bad elements", () => {
    const schema = zBoundedArray(z.enum(["a", "b"]), 50);
    const result = schema.safeParse(Array.from({ length: 50_000 }, () => "bogus"));
    expect(result.error?.issues).toHaveLength(1);
    expect(result.error?.issues[0]?.message).toBe("must have at most 50 items");
    expect(schema.safeParse(["a", "b"]).data).toEqual(["a", "b"]);
    expect(schema.safeParse(["a", "c"]).error?.issues[0]?.path).toEqual([1]);
  });
});
