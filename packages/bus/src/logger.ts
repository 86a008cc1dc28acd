import { pino, type Logger } from "pino";

export type { Logger };

/** The logger a component uses when none is injected: quiet unless something is wrong. */
export function defaultLogger(component: string): Logger {
  return pino({ name: component, level: "warn" });
}
