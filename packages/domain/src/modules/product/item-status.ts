import { z } from "zod";

export const ITEM_STATUSES = ["open", "in_progress", "done", "archived"] as const;
export const ZItemStatusSchema = z.enum(ITEM_STATUSES);
export type TItemStatus = z.infer<typeof ZItemStatusSchema>;
