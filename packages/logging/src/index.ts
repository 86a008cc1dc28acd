export * from "./connection-urls.ts";
export * from "./log-safe-error.ts";
export * from "./logger.ts";
