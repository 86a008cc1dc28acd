import type { EventHandler } from "@spine/bus";
import { activityFeedHandler } from "./activity-feed.ts";

/** Every handler the worker runs; dead-letter replay looks handlers up here by name. */
export const WORKER_HANDLERS: readonly EventHandler[] = [activityFeedHandler];
