import { Migration } from "@mikro-orm/migrations";

/** Value checks for the governance and integration tables: invalid states are refused by the database too. */
export class Migration20261128000310_governance_checks extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table usage_policies
      add constraint usage_policies_window_check check ("window" in ('day', 'month')),
      add constraint usage_policies_action_check check (action in ('block', 'notify')),
      add constraint usage_policies_limit_check check (limit_value >= 0);`);
    this.addSql(`alter table usage_counters
      add constraint usage_counters_window_check check ("window" in ('day', 'month')),
      add constraint usage_counters_value_check check (value >= 0);`);
    this.addSql(`alter table demo_access_states add constraint demo_access_states_state_check check (state in ('active', 'inactive'));`);
    this.addSql(`alter table integrations add constraint integrations_status_check check (status in ('connected', 'disconnected', 'error'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table usage_policies drop constraint usage_policies_window_check, drop constraint usage_policies_action_check, drop constraint usage_policies_limit_check;`);
    this.addSql(`alter table usage_counters drop constraint usage_counters_window_check, drop constraint usage_counters_value_check;`);
    this.addSql(`alter table demo_access_states drop constraint demo_access_states_state_check;`);
    this.addSql(`alter table integrations drop constraint integrations_status_check;`);
  }
}
