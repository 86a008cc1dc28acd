export * from "./envelope.ts";
export * from "./errors.ts";
export * from "./subjects.ts";
export * from "./define-event.ts";
export * from "./registry.ts";
export * from "./parse-envelope.ts";
export * as events from "./events.ts";
export * from "./socket-messages.ts";
