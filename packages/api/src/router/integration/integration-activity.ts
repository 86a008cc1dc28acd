import { recordActivity, type IntegrationView, type Operation } from "@spine/domain";

/** One feed line per integration change, in the change's transaction (committed with it). */
export function recordIntegrationActivity(op: Operation, verb: "connected" | "updated" | "disconnected" | "restored" | "enabled", view: IntegrationView): IntegrationView {
  recordActivity(op, {
    verb, targetType: "integration", targetId: view.id,
    summary: `${verb} integration ${view.provider}/${view.name}`, data: { provider: view.provider },
  });
  return view;
}
