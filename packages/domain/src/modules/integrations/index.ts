// Use-cases of the integrations module, one per file.
export * from "./connect-integration.ts";
export * from "./disconnect-integration.ts";
export * from "./find-integration.ts";
export * from "./integration-view.ts";
export * from "./record-integration-event.ts";
export * from "./record-sync-failure.ts";
export * from "./restore-integration.ts";
export * from "./update-integration.ts";
export * from "./list-integrations.ts";
export * from "./integration-secrets.ts";
export * from "./key-ring.ts";
export * from "./reseal-integrations.ts";
export * from "./provider-mappings.ts";
export * from "./process-integration-event.ts";
export * from "./retry-integration-event.ts";
export * from "./integration-health.ts";
export * from "./list-integration-events.ts";
