import { afterEach, describe, expect, test, vi } from "vitest";
import { TokenExpiry, type ExpiryTarget } from "./token-expiry.ts";

/** A target that records what it was told, and when (fake time). */
function recorder(): ExpiryTarget & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    tokenExpiring: (expiresAt) => log.push(`expiring ${expiresAt.getTime()} at ${Date.now()}`),
    tokenExpired: () => log.push(`expired at ${Date.now()}`),
  };
}

describe("TokenExpiry (one socket's access deadline)", () => {
  afterEach(() => vi.useRealTimers());

  test("warns lead ms before the deadline and cuts off at it, from one timer at a time", () => {
    vi.useFakeTimers({ now: 0 });
    const target = recorder();
    const expiry = new TokenExpiry(3_000, target);
    expiry.schedule(new Date(10_000));
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(6_999);
    expect(target.log).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(target.log).toEqual(["expiring 10000 at 7000"]);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(3_000);
    expect(target.log).toEqual(["expiring 10000 at 7000", "expired at 10000"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  test("a refresh moves the deadline: the old one never fires", () => {
    vi.useFakeTimers({ now: 0 });
    const target = recorder();
    const expiry = new TokenExpiry(3_000, target);
    expiry.schedule(new Date(10_000));
    vi.advanceTimersByTime(8_000);
    expiry.schedule(new Date(60_000));
    vi.advanceTimersByTime(20_000);
    expect(target.log).toEqual(["expiring 10000 at 7000"]);
    vi.advanceTimersByTime(40_000);
    expect(target.log).toEqual(["expiring 10000 at 7000", "expiring 60000 at 57000", "expired at 60000"]);
  });

  test("a token already inside the lead is warned at once; one already past is cut off on the next tick, not inside schedule", () => {
    vi.useFakeTimers({ now: 0 });
    const target = recorder();
    new TokenExpiry(3_000, target).schedule(new Date(1_000));
    expect(target.log).toEqual(["expiring 1000 at 0"]);
    const late = recorder();
    new TokenExpiry(3_000, late).schedule(new Date(-5));
    expect(late.log).toEqual(["expiring -5 at 0"]);
    vi.advanceTimersByTime(0);
    expect(late.log).toEqual(["expiring -5 at 0", "expired at 0"]);
    vi.advanceTimersByTime(1_000);
    expect(target.log).toEqual(["expiring 1000 at 0", "expired at 1000"]);
  });

  test("a deadline beyond setTimeout's range is reached through chained timers, and clear stops it", () => {
    vi.useFakeTimers({ now: 0 });
    const target = recorder();
    const expiry = new TokenExpiry(0, target);
    const far = 2 ** 31 * 2;
    expiry.schedule(new Date(far));
    vi.advanceTimersByTime(2 ** 31);
    expect(target.log).toEqual([]);
    vi.advanceTimersByTime(far - 2 ** 31);
    expect(target.log).toEqual([`expiring ${far} at ${far}`, `expired at ${far}`]);
    const cleared = recorder();
    const other = new TokenExpiry(1_000, cleared);
    other.schedule(new Date(far + 5_000));
    other.clear();
    vi.advanceTimersByTime(10_000);
    expect(cleared.log).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
