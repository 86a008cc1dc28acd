import { Migration } from "@mikro-orm/migrations";

/**
 * Documents get a `format` (text, markdown, html: how ingestion parses and splits them) and a typed
 * `ingestion_error` ({ reason, message }) for content ingestion refuses; chunks get the hash of
 * their content, so re-ingesting an edited document embeds only the chunks whose text changed.
 */
export class Migration2026120216001_document_formats extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table documents add column format text not null default 'text'
      constraint documents_format_check check (format in ('text', 'markdown', 'html'));`);
    this.addSql(`alter table documents add column ingestion_error jsonb;`);
    this.addSql(`alter table document_chunks add column content_hash text;`);
    this.addSql(`update document_chunks set content_hash = encode(sha256(convert_to(content, 'UTF8')), 'hex');`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table document_chunks drop column if exists content_hash;`);
    this.addSql(`alter table documents drop column if exists ingestion_error, drop column if exists format;`);
  }
}
