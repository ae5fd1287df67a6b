/**
 * The API's events on PostgreSQL (decision 084): every call is scoped by the API key's district,
 * so an id of another district is not there at all (404), and by the key's buildings as on
 * SQLite. Events are checked as the connector checks them (parseEvents: all or none, each
 * problem by position), stamped in the district's zone, and committed with the NOTIFY that wakes
 * the workers (PgOutbox.accept: "accepted" and "queued" are one fact).
 */
import {
  canSeeSchool,
  formatClockTime,
  parseEvents,
  parseSettingsDocument,
  logPageOf,
  resendableRow,
  scopeLogFilter,
  toDistrictLocalTime,
  toWritebackRecord,
  ConnectorError,
  pgRunStore,
  readStoredEvent,
  type Actor,
  type Connector,
  type ConnectorSettings,
  type CorrectionResult,
  type EventCorrection,
  type EventsElsewhere,
  type LogFilter,
  type LogPage,
  type NewAuditEntry,
  type ReconcileFilter,
  type WrittenLog,
} from '../connector/index.ts';
import type { PgAudit, PgDistricts, PgOutbox } from '../connector/store/pg/index.ts';
import type { EventsPort } from './app.ts';
import type { DistrictConnectors } from './district-connector.ts';

/** How long a district's zone and student ID source are reused before being read again. */
const SETTINGS_TTL_MS = 5_000;

export function pgEvents(
  outbox: PgOutbox,
  districts: PgDistricts,
  now: () => Date = () => new Date(),
  /** Each district's connector, for dry runs and corrections (absent: neither here). */
  connectors?: DistrictConnectors,
  /** Where corrections are audited (pswb_audit). */
  audit?: PgAudit,
): EventsPort {
  const cache = new Map<string, { settings: ConnectorSettings; until: number }>();
  /** The district's settings as stored (its secrets stay sealed: none is needed here). */
  async function settingsOf(district: string): Promise<ConnectorSettings> {
    const cached = cache.get(district);
    if (cached && cached.until > Date.now()) return cached.settings;
    const row = await districts.get(district);
    if (!row) {
      throw new ConnectorError(
        'district_not_found',
        `The district "${district}" of this API key is no longer in the database.`,
      );
    }
    const settings = parseSettingsDocument(row.settings, `the settings of district ${row.id}`);
    cache.set(district, { settings, until: Date.now() + SETTINGS_TTL_MS });
    return settings;
  }

  const clock = { now };
  /** The district's event, when the actor may see its building (else undefined: not there). */
  const visibleRow = async (district: string, actor: Actor, id: string) => {
    const row = await outbox.get(district, id);
    return row && canSeeSchool(actor, row.school_number) ? row : undefined;
  };
  async function logs(district: string, actor: Actor, filter: LogFilter): Promise<LogPage> {
    const query = scopeLogFilter(actor, filter);
    const { rows, total } = await outbox.query(district, query);
    return logPageOf(query, rows, total);
  }
  /** The district's log as a correction sees it: revised there, removals journaled at once. */
  const elsewhere = (district: string): EventsElsewhere => {
    const runStore = pgRunStore(outbox, district, { clock });
    return {
      revisions: {
        get: (id) => outbox.get(district, id),
        revise: (id, expected, revision, by) => outbox.revise(district, id, expected, revision, by),
      },
      outbox: {
        ...runStore,
        // A correction finishes no run: its removals' requests are journaled as they are made.
        recordAttempt(row, attempt) {
          void outbox.recordAttempts(district, row.id, row.runs, [attempt]).catch(() => undefined);
        },
      },
    };
  };
  /**
   * A correction or cancellation made with the district's connector in its own log, then
   * audited; an id of another district or building is not there (404) before PowerSchool is asked.
   */
  const revised = async (
    district: string,
    actor: Actor,
    id: string,
    make: (connector: Connector, there: EventsElsewhere) => Promise<CorrectionResult>,
    entry: (done: CorrectionResult) => Omit<NewAuditEntry, 'at' | 'target'>,
  ): Promise<CorrectionResult> => {
    if (!(await visibleRow(district, actor, id))) {
      throw new ConnectorError('event_not_found', `No event with id "${id}" in the log.`);
    }
    const done = await make(await connectors!.get(district), elsewhere(district));
    await audit?.record(district, { ...entry(done), target: `event ${id}`, at: now() });
    return done;
  };
  /** The district's log as a read-back (the Check) sees it. */
  const writtenLog = (district: string): WrittenLog => ({
    page: (actor, filter) => logs(district, actor, filter),
    async requeueWritten(ids, at) {
      await outbox.requeueWritten(district, ids, at);
    },
  });
  const preview = async (district: string, items: readonly unknown[]) => {
    const connector = await connectors!.get(district);
    // A return to school is looked for among the district's own events of the day.
    return connector.preview(items, { outbox: pgRunStore(outbox, district, { clock }) });
  };
  return {
    ...(connectors
      ? {
          async correct(
            district: string,
            actor: Actor,
            id: string,
            change: EventCorrection,
            by: string,
            auditedAs = by,
          ) {
            return revised(
              district,
              actor,
              id,
              (connector, there) => connector.correct(actor, id, change, by, there),
              (done) => ({
                actor: auditedAs,
                action: 'event.correct',
                before: done.before ?? null,
                after: done.after ?? null,
              }),
            );
          },
          async cancel(district: string, actor: Actor, id: string, by: string, auditedAs = by) {
            return revised(
              district,
              actor,
              id,
              (connector, there) => connector.cancel(actor, id, by, there),
              (done) => ({
                actor: auditedAs,
                action: 'event.cancel',
                before: null,
                after: { removed: done.removed },
              }),
            );
          },
          async reconcile(district: string, actor: Actor, filter: ReconcileFilter) {
            const connector = await connectors.get(district);
            return connector.reconcile(actor, filter, writtenLog(district));
          },
          async resendMissing(district: string, actor: Actor, ids: readonly string[]) {
            const connector = await connectors.get(district);
            return connector.resendMissing(actor, ids, writtenLog(district));
          },
          preview,
          async previewStored(district: string, actor: Actor, id: string) {
            const row = await visibleRow(district, actor, id);
            if (!row) return undefined;
            return (await preview(district, [JSON.parse(row.payload) as unknown]))[0];
          },
        }
      : {}),
    async accept(district, items) {
      const settings = await settingsOf(district);
      const events = parseEvents(items, settings.connection?.studentIdSource ?? 'dcid');
      const zone = settings.districtTimezone ?? 'UTC';
      // An id given twice with the same contents counts once (parseEvents refused other contents).
      const seen = new Set<string>();
      const distinct = events.filter((event) => !seen.has(event.id) && seen.add(event.id));
      const stamped = distinct.map((event) => {
        const local = toDistrictLocalTime(new Date(event.occurredAt), zone);
        return {
          event,
          stamp: { date: local.date, time: formatClockTime(local.secondsSinceMidnight) },
        };
      });
      return outbox.accept(district, stamped, now().toISOString());
    },
    async record(district, actor, id) {
      const row = await visibleRow(district, actor, id);
      if (!row) return undefined;
      return toWritebackRecord(row);
    },
    async resend(district, actor, id) {
      resendableRow(await outbox.get(district, id), actor, id);
      // Moves only a failed or not-attempted row, and wakes the workers in the same statement:
      // the answer is the event as moved (pending), whatever a worker does with it next.
      const [moved] = await outbox.requeue(district, [id], now().toISOString());
      return toWritebackRecord(moved ?? (await outbox.get(district, id))!);
    },
    settings: settingsOf,
    async stored(district, actor, id) {
      const row = await visibleRow(district, actor, id);
      if (!row) return undefined;
      return readStoredEvent(row.payload);
    },
    async versions(district, actor, id) {
      return (await visibleRow(district, actor, id)) ? outbox.versions(district, id) : [];
    },
    logs,
  };
}
