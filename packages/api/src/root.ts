import { activityRouter } from "./router/activity/router.ts";
import { auditRouter } from "./router/audit/router.ts";
import { authRouter } from "./router/auth/router.ts";
import { documentRouter } from "./router/document/router.ts";
import { itemRouter } from "./router/item/router.ts";
import { memberRouter } from "./router/member/router.ts";
import { projectRouter } from "./router/project/router.ts";
import { roleRouter } from "./router/role/router.ts";
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
});

export type AppRouter = typeof appRouter;
