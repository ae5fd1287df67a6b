/**
 * A district added with its audit entry, in one transaction: `pswb districts add` and an
 * operator's form on the page add districts alike (the entry in the new district's own log, its
 * settings as stored, sealed, and redacted again by the audit log).
 */
import { PgAudit } from './accounts.ts';
import { PgDistricts, type DistrictRow } from './districts.ts';
import { inTransaction, type PgQueryable } from './transaction.ts';

/**
 * A district as its audit entries show it: what an operator sets (name, concurrency, the
 * settings, their secrets sealed and redacted again by the audit log), not its pause counters.
 */
export function auditedDistrict(row: DistrictRow): Record<string, unknown> {
  return { id: row.id, name: row.name, concurrency: row.concurrency, settings: row.settings };
}

/** Adds the district and writes `district.add` as `actor`; its row. */
export function addDistrictAudited(
  db: PgQueryable,
  district: { id: string; name: string; settings: unknown; concurrency?: number },
  actor: string,
  now: Date,
): Promise<DistrictRow> {
  return inTransaction(db, async (client) => {
    const added = await new PgDistricts(client).add(district, now.toISOString());
    await new PgAudit(client).record(added.id, {
      at: now,
      actor,
      action: 'district.add',
      target: added.id,
      before: null,
      after: auditedDistrict(added),
    });
    return added;
  });
}
