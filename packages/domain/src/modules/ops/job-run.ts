export { JOB_RUN_STATUSES, type JobRunStatus } from "../../platform/entities.ts";

/** One consumer operation: `job_runs` is unique by (handler, operation key). */
export interface JobRunKey {
  handler: string;
  operationKey: string;
}

export interface JobRunStart extends JobRunKey {
  workspaceId: string | null;
  eventId: string | null;
  eventType: string | null;
  attempt: number;
}

export interface JobRunFailure extends JobRunStart {
  status: "failed" | "dead";
  error: string;
  durationMs: number;
}
