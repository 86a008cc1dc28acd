import { defineEntity, p, type InferEntity } from "@mikro-orm/core";
import { idProp, notDeletedFilter, softDeleteProp, startsNull, tenantFilter, tenantProp, timestampProps } from "../../shared/common-props.ts";
import type { TItemStatus } from "./item-status.ts";

export const Project = defineEntity({
  name: "Project",
  tableName: "projects",
  properties: {
    ...idProp, ...tenantProp,
    name: p.string(),
    description: p.text().default("").onCreate(() => ""),
    createdBy: startsNull(p.uuid().nullable()),
    ...timestampProps, ...softDeleteProp,
  },
  filters: { ...tenantFilter, ...notDeletedFilter },
});
export type Project = InferEntity<typeof Project>;

export const Item = defineEntity({
  name: "Item",
  tableName: "items",
  properties: {
    ...idProp, ...tenantProp,
    projectId: p.uuid(),
    title: p.string(),
    body: p.text().default("").onCreate(() => ""),
    status: p.string().$type<TItemStatus>().default("open").onCreate(() => "open"),
    createdBy: startsNull(p.uuid().nullable()),
    /** The integration (its id) whose provider record this item mirrors, with that record's id there. */
    externalSource: startsNull(p.string().nullable()),
    externalId: startsNull(p.string().nullable()),
    ...timestampProps, ...softDeleteProp,
  },
  filters: { ...tenantFilter, ...notDeletedFilter },
});
export type Item = InferEntity<typeof Item>;

export const DOCUMENT_FORMATS = ["text", "markdown", "html"] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];
export const INGESTION_STATUSES = ["pending", "processing", "ingested", "failed"] as const;
export type IngestionStatus = (typeof INGESTION_STATUSES)[number];
/** Typed reasons ingestion refuses a document's content with (no retry: the content must change). */
export const INGESTION_FAILURE_REASONS = ["too_large", "unparsable"] as const;
export type IngestionFailureReason = (typeof INGESTION_FAILURE_REASONS)[number];
export interface DocumentIngestionError {
  reason: IngestionFailureReason;
  message: string;
}

export const Document = defineEntity({
  name: "Document",
  tableName: "documents",
  properties: {
    ...idProp, ...tenantProp,
    projectId: startsNull(p.uuid().nullable()),
    title: p.string(),
    /** How ingestion parses the content. */
    format: p.string().$type<DocumentFormat>().default("text").onCreate(() => "text"),
    content: p.text().default("").onCreate(() => ""),
    metadata: p.json<Record<string, unknown>>().onCreate(() => ({})),
    contentHash: startsNull(p.string().nullable()),
    ingestionStatus: p.string().$type<IngestionStatus>().default("pending").onCreate(() => "pending"),
    ingestedAt: startsNull(p.datetime().nullable()),
    /** Why ingestion refused the content (status `failed`); null otherwise. */
    ingestionError: startsNull(p.json<DocumentIngestionError>().nullable()),
    createdBy: startsNull(p.uuid().nullable()),
    ...timestampProps, ...softDeleteProp,
  },
  filters: { ...tenantFilter, ...notDeletedFilter },
});
export type Document = InferEntity<typeof Document>;
