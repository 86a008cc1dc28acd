import { Migration } from "@mikro-orm/migrations";
import { SYSTEM_ROLE } from "../roles.ts";

/**
 * Tamper-evident audit. Every `audit_logs` row is chained per workspace, every `system_audit_logs`
 * row on one system chain: `chain_seq` (1, 2, …), `prev_hash` (the previous row's `row_hash`, '' for
 * the first) and `row_hash` = sha256 over the row's content, its sequence and `prev_hash`.
 *
 * A BEFORE INSERT trigger fills them in the inserting transaction, whatever path inserts the row (the
 * unit of work, `op.audit`, raw SQL). Concurrent writers are serialised per chain by the chain's head
 * row in `audit_chain_heads`, locked FOR UPDATE until the writer commits, so sequence order is commit
 * order and no two rows share a predecessor. The trigger runs as the owner (SECURITY DEFINER): the
 * application role cannot read or write the heads. `spine audit verify` recomputes the hashes.
 */
export class Migration2026120210002_audit_hash_chain extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table audit_chain_heads (chain text primary key, seq bigint not null, hash text not null);`);
    this.addSql(`grant select on audit_chain_heads to ${SYSTEM_ROLE};`);
    for (const table of ["audit_logs", "system_audit_logs"]) {
      this.addSql(`alter table ${table} add column chain_seq bigint, add column prev_hash text, add column row_hash text;`);
    }
    this.addSql(`create index audit_logs_chain_idx on audit_logs (workspace_id, chain_seq);`);
    this.addSql(`create index system_audit_logs_chain_idx on system_audit_logs (chain_seq);`);

    // quote_nullable keeps NULL and '' apart; jsonb::text is canonical; time in epoch microseconds.
    this.addSql(`create function spine_audit_log_hash(r audit_logs) returns text language sql immutable as $$
      select encode(sha256(convert_to(concat_ws(',',
        quote_nullable(r.chain_seq), quote_nullable(r.prev_hash), quote_nullable(r.id), quote_nullable(r.workspace_id),
        quote_nullable(r.actor_id), quote_nullable(r.actor_type), quote_nullable(r.action), quote_nullable(r.target_type),
        quote_nullable(r.target_id), quote_nullable(r.changes::text), quote_nullable(r.correlation_id),
        quote_nullable((extract(epoch from r.occurred_at) * 1000000)::bigint)), 'UTF8')), 'hex') $$;`);
    this.addSql(`create function spine_system_audit_log_hash(r system_audit_logs) returns text language sql immutable as $$
      select encode(sha256(convert_to(concat_ws(',',
        quote_nullable(r.chain_seq), quote_nullable(r.prev_hash), quote_nullable(r.id), quote_nullable(r.actor_id),
        quote_nullable(r.actor_type), quote_nullable(r.actor_name), quote_nullable(r.action), quote_nullable(r.target_type),
        quote_nullable(r.target_id), quote_nullable(r.details::text), quote_nullable(r.correlation_id),
        quote_nullable((extract(epoch from r.occurred_at) * 1000000)::bigint)), 'UTF8')), 'hex') $$;`);

    this.addSql(`create function spine_audit_chain_next(chain_key text) returns audit_chain_heads
      language plpgsql security definer set search_path = public, pg_temp as $$
      declare head audit_chain_heads;
      begin
        insert into audit_chain_heads (chain, seq, hash) values (chain_key, 0, '') on conflict (chain) do nothing;
        select * into head from audit_chain_heads where chain = chain_key for update;
        return head;
      end $$;`);
    this.addSql(`create function spine_audit_chain_advance(chain_key text, new_seq bigint, new_hash text) returns void
      language sql security definer set search_path = public, pg_temp as $$
        update audit_chain_heads set seq = new_seq, hash = new_hash where chain = chain_key $$;`);
    this.addSql(`revoke all on function spine_audit_chain_next(text), spine_audit_chain_advance(text, bigint, text) from public;`);

    this.addSql(`create function spine_audit_logs_chain() returns trigger language plpgsql security definer set search_path = public, pg_temp as $$
      declare head audit_chain_heads;
      begin
        head := spine_audit_chain_next('ws:' || new.workspace_id);
        new.chain_seq := head.seq + 1;
        new.prev_hash := head.hash;
        new.row_hash := spine_audit_log_hash(new);
        perform spine_audit_chain_advance('ws:' || new.workspace_id, new.chain_seq, new.row_hash);
        return new;
      end $$;`);
    this.addSql(`create function spine_system_audit_logs_chain() returns trigger language plpgsql security definer set search_path = public, pg_temp as $$
      declare head audit_chain_heads;
      begin
        head := spine_audit_chain_next('system');
        new.chain_seq := head.seq + 1;
        new.prev_hash := head.hash;
        new.row_hash := spine_system_audit_log_hash(new);
        perform spine_audit_chain_advance('system', new.chain_seq, new.row_hash);
        return new;
      end $$;`);

    // Chain the rows already there, oldest first, then let the trigger chain every new one. RLS is
    // forced on audit_logs even for its owner: lifted for this backfill only.
    this.addSql(`alter table audit_logs no force row level security;`);
    this.addSql(`do $$
      declare r record; head audit_chain_heads;
      begin
        for r in select id, workspace_id from audit_logs order by workspace_id, occurred_at, id loop
          head := spine_audit_chain_next('ws:' || r.workspace_id);
          update audit_logs set chain_seq = head.seq + 1, prev_hash = head.hash where id = r.id;
          update audit_logs a set row_hash = spine_audit_log_hash(a) where a.id = r.id;
          perform spine_audit_chain_advance('ws:' || r.workspace_id, head.seq + 1, (select row_hash from audit_logs where id = r.id));
        end loop;
        for r in select id from system_audit_logs order by occurred_at, id loop
          head := spine_audit_chain_next('system');
          update system_audit_logs set chain_seq = head.seq + 1, prev_hash = head.hash where id = r.id;
          update system_audit_logs a set row_hash = spine_system_audit_log_hash(a) where a.id = r.id;
          perform spine_audit_chain_advance('system', head.seq + 1, (select row_hash from system_audit_logs where id = r.id));
        end loop;
      end $$;`);
    this.addSql(`alter table audit_logs force row level security;`);
    this.addSql(`create trigger audit_logs_chain before insert on audit_logs for each row execute function spine_audit_logs_chain();`);
    this.addSql(`create trigger system_audit_logs_chain before insert on system_audit_logs for each row execute function spine_system_audit_logs_chain();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists audit_logs_chain on audit_logs;`);
    this.addSql(`drop trigger if exists system_audit_logs_chain on system_audit_logs;`);
    this.addSql(`drop function if exists spine_audit_logs_chain(), spine_system_audit_logs_chain(), spine_audit_chain_next(text),
      spine_audit_chain_advance(text, bigint, text), spine_audit_log_hash(audit_logs), spine_system_audit_log_hash(system_audit_logs);`);
    for (const table of ["audit_logs", "system_audit_logs"]) {
      this.addSql(`alter table ${table} drop column if exists chain_seq, drop column if exists prev_hash, drop column if exists row_hash;`);
    }
    this.addSql(`drop table if exists audit_chain_heads;`);
  }
}
