import { describe, expect, it } from "vitest";
import { parseSubject, subjectFor, workspaceSubjectFilter } from "./subjects.ts";

describe("subject scheme", () => {
  const ws = "01936b1e-0000-7000-8000-000000000001";

  it("puts tenant events under their workspace and system events under _sys", () => {
    expect(subjectFor(ws, "agent.run.started")).toBe(`evt.${ws}.agent.run.started`);
    expect(subjectFor(null, "job.failed")).toBe("evt._sys.job.failed");
    expect(workspaceSubjectFilter(ws, "t1")).toBe(`t1.${ws}.>`);
  });

  it("parses a subject back into scope and event type, dots included", () => {
    expect(parseSubject(subjectFor(ws, "agent.run.started"))).toEqual({ scope: ws, eventType: "agent.run.started" });
    expect(parseSubject("other.x.y")).toBeNull();
    expect(parseSubject("evt.only")).toBeNull();
  });
});
