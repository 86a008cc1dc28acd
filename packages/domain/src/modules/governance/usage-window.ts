import type { UsageWindow } from "./entities.ts";

export const USAGE_WINDOWS = ["day", "month"] as const satisfies readonly UsageWindow[];

/** The UTC start of the window containing `at`: counters are keyed by it. */
export function windowStart(window: UsageWindow, at: Date): Date {
  if (window === "day") return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/** The UTC instant the window containing `at` ends (the next window starts): when its counter resets. */
export function windowResetsAt(window: UsageWindow, at: Date): Date {
  if (window === "day") return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate() + 1));
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
}
