import type { z } from "zod";

export type EventCategory = "domain" | "integration" | "access" | "ai" | "system";

/** A superseded payload version and how to read it as the current one. */
export interface LegacyVersion<TCurrent> {
  version: number;
  schema: z.ZodType;
  upcast: (payload: never) => TCurrent;
}

/** An event type is data: its name, category, current version and payload schema, and its history. */
export interface EventDefinition<TType extends string = string, TSchema extends z.ZodType = z.ZodType> {
  type: TType;
  category: EventCategory;
  /** `workspace` events always carry a workspace_id; `system` events never do. */
  tenancy: "workspace" | "system";
  version: number;
  schema: TSchema;
  legacy: readonly LegacyVersion<z.infer<TSchema>>[];
  description: string;
}

export function defineEvent<const TType extends string, TSchema extends z.ZodType>(
  def: Omit<EventDefinition<TType, TSchema>, "legacy"> & { legacy?: readonly LegacyVersion<z.infer<TSchema>>[] },
): EventDefinition<TType, TSchema> {
  return { ...def, legacy: def.legacy ?? [] };
}

/** Helper so a legacy upcast is typed by its own schema. */
export function legacyVersion<TSchema extends z.ZodType, TCurrent>(
  version: number,
  schema: TSchema,
  upcast: (payload: z.infer<TSchema>) => TCurrent,
): LegacyVersion<TCurrent> {
  return { version, schema, upcast: upcast as (payload: never) => TCurrent };
}
