// Use-cases of the ops module (compliance), one per file.
export * from "./purge-record.ts";
export * from "./record-system-audit.ts";
export * from "./retention/index.ts";
