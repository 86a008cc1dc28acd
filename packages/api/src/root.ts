import { accessRouter } from "./router/access/router.ts";
import { activityRouter } from "./router/activity/router.ts";
import { agentRouter } from "./router/agent/router.ts";
import { auditRouter } from "./router/audit/router.ts";
import { authRouter } from "./router/auth/router.ts";
import { deadLetterRouter } from "./router/dead-letter/router.ts";
import { documentRouter } from "./router/document/router.ts";
import { integrationRouter } from "./router/integration/router.ts";
import { itemRouter } from "./router/item/router.ts";
import { memberRouter } from "./router/member/router.ts";
import { operatorRouter } from "./router/operator/router.ts";
import { projectRouter } from "./router/project/router.ts";
import { roleRouter } from "./router/role/router.ts";
import { usageRouter } from "./router/usage/router.ts";
import { workspaceRouter } from "./router/workspace/router.ts";
import { createTRPCRouter } from "./trpc.ts";

export const appRouter = createTRPCRouter({
  auth: authRouter,
  workspace: workspaceRouter,
  member: memberRouter,
  role: roleRouter,
  project: projectRouter,
  item: itemRouter,
  document: documentRouter,
  activity: activityRouter,
  audit: auditRouter,
  integration: integrationRouter,
  usage: usageRouter,
  access: accessRouter,
  agent: agentRouter,
  deadLetter: deadLetterRouter,
  operator: operatorRouter,
});

export type AppRouter = typeof appRouter;
