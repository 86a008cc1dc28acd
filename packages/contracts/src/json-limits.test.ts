import { describe, expect, it } from "vitest";
import { findJsonDepthViolation, findUnstorableJsonText, jsonValueTooDeep } from "./json-limits.ts";
import { inTimestampRange } from "./rfc3339.ts";

describe("findJsonDepthViolation (raw text, no recursion)", () => {
  it("names the path of the first container too deep, cut short", () => {
    const text = `{"x":[1,{"y":"}]\\"{"},${"[".repeat(100)}${"]".repeat(100)}]}`;
    expect(findJsonDepthViolation(text, 5)).toEqual({ path: "x.2.0.0.0", message: "must be nested at most 5 levels deep" });
    expect(findJsonDepthViolation(`{"a":${'{"b":'.repeat(20000)}1${"}".repeat(20001)}`)?.path).toBe("a.b.b.b.b.b.…");
    expect(findJsonDepthViolation("[".repeat(10_000))?.path).toBe("0.0.0.0.0.0.…");
  });

  it("accepts JSON within the limit, brackets inside strings ignored", () => {
    expect(findJsonDepthViolation(JSON.stringify({ a: "[[[[[[[[[[", b: [[["{{{{"]]] }), 4)).toBeNull();
    expect(findJsonDepthViolation(`${"[".repeat(64)}${"]".repeat(64)}`)).toBeNull();
    expect(findJsonDepthViolation(`${"[".repeat(65)}${"]".repeat(65)}`)).not.toBeNull();
  });
});

describe("findUnstorableJsonText / jsonValueTooDeep", () => {
  it("names the path of a NUL or lone surrogate at any depth", () => {
    expect(findUnstorableJsonText({ type: "a\u0000b" })).toEqual({ path: "type", message: "must not contain NUL characters" });
    expect(findUnstorableJsonText({ a: [1, { b: "\ud800" }] })?.path).toBe("a.1.b");
    expect(findUnstorableJsonText({ ok: ["fine"] })).toBeNull();
  });

  it("measures depth without recursion", () => {
    let v: unknown = 1;
    for (let i = 0; i < 50_000; i += 1) v = [v];
    expect(jsonValueTooDeep(v)).toBe(true);
    expect(jsonValueTooDeep({ a: { b: [1] } }, 3)).toBe(false);
    expect(jsonValueTooDeep({ a: { b: [1] } }, 2)).toBe(true);
  });
});

describe("timestamps in sane years", () => {
  it.each([
    ["0000-01-01T00:00:00Z", false], ["0001-01-01T00:00:00+01:00", false], ["1899-12-31T23:59:59Z", false],
    ["1900-01-01T00:00:00Z", true], ["2026-12-02T10:00:00Z", true], ["9999-12-31T23:00:00-05:00", false], ["9999-12-31T18:00:00Z", true],
  ] as const)("%s → %s", (value, ok) => {
    expect(inTimestampRange(value)).toBe(ok);
  });
});
