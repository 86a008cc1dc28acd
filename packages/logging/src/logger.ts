import { pino, type DestinationStream, type Logger, type LoggerOptions } from "pino";
import { LOG_SERIALIZERS } from "./log-safe-error.ts";

export type { Logger };

/** A pino logger with Spine's log-safe serializers; every app and package logs through one of these. */
export function createLogger(options: LoggerOptions = {}, destination?: DestinationStream): Logger {
  const merged: LoggerOptions = { ...options, serializers: { ...LOG_SERIALIZERS, ...options.serializers } };
  return destination ? pino(merged, destination) : pino(merged);
}

/** The logger a component uses when none is injected: quiet unless something is wrong. */
export function defaultLogger(component: string): Logger {
  return createLogger({ name: component, level: "warn" });
}
