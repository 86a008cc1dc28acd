/**
 * Subject scheme on NATS: `evt.<workspace_id>.<event_type>`; untenanted events use `_sys`.
 * Event types contain dots, so `evt.*.agent.>` matches every agent event of every workspace.
 */
export const EVENTS_SUBJECT_PREFIX = "evt";
export const SYSTEM_SCOPE = "_sys";

export function subjectFor(workspaceId: string | null, eventType: string, prefix = EVENTS_SUBJECT_PREFIX): string {
  return `${prefix}.${workspaceId ?? SYSTEM_SCOPE}.${eventType}`;
}

export function workspaceSubjectFilter(workspaceId: string, prefix = EVENTS_SUBJECT_PREFIX): string {
  return `${prefix}.${workspaceId}.>`;
}

export function parseSubject(subject: string, prefix = EVENTS_SUBJECT_PREFIX): { scope: string; eventType: string } | null {
  const head = `${prefix}.`;
  if (!subject.startsWith(head)) return null;
  const rest = subject.slice(head.length);
  const dot = rest.indexOf(".");
  if (dot <= 0 || dot === rest.length - 1) return null;
  return { scope: rest.slice(0, dot), eventType: rest.slice(dot + 1) };
}
