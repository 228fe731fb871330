import type { Kysely } from 'kysely';
import type { Plan, Severity } from '@engine/domain';
import type { SlaOutcome } from '../incidents/sla-clock.projection';
import type { ReadModelTables } from './read-model.tables';
import { slaReport, type SlaReport } from './sla-report';

/**
 * The SLA report from `sla_clocks`: every response clock that ended in [from, to) (see
 * `slaReport` and the README for what "ended" means), grouped by plan and severity.
 */
export class SlaReportQuery {
  private readonly db: Kysely<ReadModelTables>;

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the read store's untyped handle
  constructor(db: Kysely<any>) {
    this.db = db as Kysely<ReadModelTables>;
  }

  /** `from` and `to` are instants; the period includes `from` and excludes `to`. */
  async report(from: Date, to: Date): Promise<SlaReport> {
    const rows = await this.db
      .selectFrom('sla_clocks')
      .select(['plan', 'severity', 'outcome', 'response_time_ms', 'out_of_scope'])
      .where('ended_at', '>=', from.toISOString())
      .where('ended_at', '<', to.toISOString())
      .where('outcome', 'is not', null)
      .execute();
    return slaReport(
      from.toISOString(),
      to.toISOString(),
      rows.map((row) => ({
        plan: row.plan as Plan,
        severity: Number(row.severity) as Severity,
        outcome: row.outcome as SlaOutcome,
        responseTimeMs: row.response_time_ms === null ? null : Number(row.response_time_ms),
        outOfScope: row.out_of_scope === true || row.out_of_scope === 1,
      })),
    );
  }
}
