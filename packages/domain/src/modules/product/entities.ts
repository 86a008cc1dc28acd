import { EntitySchema, OptionalProps } from "@mikro-orm/core";
import { idProp, notDeletedFilter, softDeleteProp, tenantFilter, tenantProp, timestampProps } from "../../shared/common-props.ts";

export class Project {
  [OptionalProps]?: "createdAt" | "updatedAt" | "deletedAt" | "description" | "createdBy";
  id!: string;
  workspaceId!: string;
  name!: string;
  description = "";
  createdBy: string | null = null;
  createdAt!: Date;
  updatedAt!: Date;
  deletedAt: Date | null = null;
}
export const ProjectSchema = new EntitySchema<Project>({
  class: Project,
  tableName: "projects",
  properties: {
    ...idProp, ...tenantProp,
    name: { type: "string" },
    description: { type: "text" },
    createdBy: { type: "uuid", nullable: true },
    ...timestampProps, ...softDeleteProp,
  },
  filters: { ...tenantFilter, ...notDeletedFilter },
});

export class Item {
  [OptionalProps]?: "createdAt" | "updatedAt" | "deletedAt" | "body" | "status" | "createdBy" | "externalSource" | "externalId";
  id!: string;
  workspaceId!: string;
  projectId!: string;
  title!: string;
  body = "";
  status = "open";
  createdBy: string | null = null;
  /** The integration (its id) whose provider record this item mirrors, with that record's id there. */
  externalSource: string | null = null;
  externalId: string | null = null;
  createdAt!: Date;
  updatedAt!: Date;
  deletedAt: Date | null = null;
}
export const ItemSchema = new EntitySchema<Item>({
  class: Item,
  tableName: "items",
  properties: {
    ...idProp, ...tenantProp,
    projectId: { type: "uuid" },
    title: { type: "string" },
    body: { type: "text" },
    status: { type: "string" },
    createdBy: { type: "uuid", nullable: true },
    externalSource: { type: "string", nullable: true },
    externalId: { type: "string", nullable: true },
    ...timestampProps, ...softDeleteProp,
  },
  filters: { ...tenantFilter, ...notDeletedFilter },
});

export const DOCUMENT_FORMATS = ["text", "markdown", "html"] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];
/** Typed reasons ingestion refuses a document's content with (no retry: the content must change). */
export const INGESTION_FAILURE_REASONS = ["too_large", "unparsable"] as const;
export type IngestionFailureReason = (typeof INGESTION_FAILURE_REASONS)[number];
export interface DocumentIngestionError {
  reason: IngestionFailureReason;
  message: string;
}

export class Document {
  [OptionalProps]?: "createdAt" | "updatedAt" | "deletedAt" | "content" | "metadata" | "projectId" | "contentHash" | "ingestionStatus" | "ingestedAt" | "createdBy" | "format" | "ingestionError";
  id!: string;
  workspaceId!: string;
  projectId: string | null = null;
  title!: string;
  /** How ingestion parses the content. */
  format: DocumentFormat = "text";
  content = "";
  metadata: Record<string, unknown> = {};
  contentHash: string | null = null;
  ingestionStatus = "pending";
  ingestedAt: Date | null = null;
  /** Why ingestion refused the content (status `failed`); null otherwise. */
  ingestionError: DocumentIngestionError | null = null;
  createdBy: string | null = null;
  createdAt!: Date;
  updatedAt!: Date;
  deletedAt: Date | null = null;
}
export const DocumentSchema = new EntitySchema<Document>({
  class: Document,
  tableName: "documents",
  properties: {
    ...idProp, ...tenantProp,
    projectId: { type: "uuid", nullable: true },
    title: { type: "string" },
    format: { type: "string" },
    content: { type: "text" },
    metadata: { type: "json" },
    contentHash: { type: "string", nullable: true },
    ingestionStatus: { type: "string" },
    ingestedAt: { type: "Date", nullable: true },
    ingestionError: { type: "json", nullable: true },
    createdBy: { type: "uuid", nullable: true },
    ...timestampProps, ...softDeleteProp,
  },
  filters: { ...tenantFilter, ...notDeletedFilter },
});
