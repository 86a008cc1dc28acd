export { OPERATIONAL_RETENTION, RETENTION_CLASSES, retentionPolicy, type OperationalData, type RetentionClass, type RetentionPolicy } from "./retention-policy.ts";
export { deleteExpiredJobRuns } from "./delete-expired-job-runs.ts";
export { deleteExpiredDeadLetters } from "./delete-expired-dead-letters.ts";
export { deleteExpiredIntegrationEvents } from "./delete-expired-integration-events.ts";
export { deleteExpiredActivityLogs } from "./delete-expired-activity-logs.ts";
export { deleteExpiredUsageCounters } from "./delete-expired-usage-counters.ts";
