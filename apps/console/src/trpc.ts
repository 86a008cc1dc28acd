import type { AppRouter } from "@spine/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";

/** tRPC ⇄ TanStack Query bindings over the typed Spine client. */
export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();
