// Use-cases of the knowledge module (documents' chunks and embeddings, agent runs), one per file.
export * from "./complete-agent-run.ts";
export * from "./create-agent-thread.ts";
export * from "./fail-agent-run.ts";
export * from "./find-agent-run.ts";
export * from "./find-similar-chunks.ts";
export * from "./finish-tool-call.ts";
export * from "./list-stale-agent-runs.ts";
export * from "./load-document-for-ingestion.ts";
export * from "./mark-document-ingestion-failed.ts";
export * from "./purge-expired-agent-runs.ts";
export * from "./queue-agent-run.ts";
export * from "./record-tool-call.ts";
export * from "./replace-document-chunks.ts";
export * from "./retain-until.ts";
export * from "./start-agent-run.ts";
export * from "./delete-agent-thread.ts";
export * from "./restore-agent-thread.ts";
