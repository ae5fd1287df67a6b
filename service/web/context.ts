/**
 * What the page's routes work with: the data directory's settings and store, the connector of
 * the saved connection (none before one is saved), and the service's hooks.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import {
  ConnectorError,
  canSeeSchool,
  readLogPage,
  type ConnectionReport,
  toWritebackRecord,
  type Connector,
  type NewAuditEntry,
  type ReconcileReport,
  type SettingsStore,
  type WritebackStore,
} from '../../connector/index.ts';
import type { DistrictState } from '../../connector/store/pg/index.ts';
import { storeAccounts, type PageAccounts } from './accounts.ts';
import type { AlertSendResult } from '../alerts.ts';
import type { EventsPort, HealthReport } from '../app.ts';
import { adminPage, notice, type Markup, type TabId } from './layout.ts';
import type { AdminEnv, PageUser } from './session.ts';

export interface AdminContext {
  settings: SettingsStore;
  /** connector.db: users, sessions, the audit log, the outbox. */
  store: () => WritebackStore;
  /** The connector of the saved connection, or undefined before one is saved. */
  connector: () => Connector | undefined;
  /** Called after the Settings tab saved a connection: the connector is rebuilt from it. */
  reconnect: () => void;
  /** Called after events went back to the outbox (a re-send): the workers run at once. */
  wake: () => void;
  health: () => HealthReport;
  now: () => Date;
  /** The service's last scheduled reconciliation, if one ran. */
  lastCheck?: () => ReconcileReport | undefined;
  /** The failure alerts: "Send a test alert" (absent where nothing can send, e.g. some tests). */
  alerts?: { sendTest(): Promise<AlertSendResult[]> };
  /**
   * The events the Writeback Logs and the overview read and re-send, by the user's district
   * (PostgreSQL: service/pg-events.ts); absent: the data directory's log (pageEvents).
   */
  events?: PageEvents;
  /** Sign-in, sessions and the audit log (absent: the data directory's connector.db). */
  accounts?: PageAccounts;
  /** PostgreSQL: every district's outbox and pause, for the overview; an operator adds one. */
  districts?: {
    states(): Promise<DistrictState[]>;
    /**
     * Adds a district with its PowerSchool connection, checked first as the Settings tab checks
     * it (nothing is added when the check fails: its report says why); audited as `user`.
     */
    add?(
      district: NewDistrict,
      user: PageUser,
    ): Promise<{ added: true } | { added: false; report?: ConnectionReport }>;
  };
  /** The tabs served (absent: all). PostgreSQL serves all but Check. */
  tabs?: readonly TabId[];
  /**
   * Runs a request of the settings tabs in the user's district (PostgreSQL: `settings` and
   * `connector` are then that district's); absent: a data directory's one district.
   */
  inDistrict?: (district: string, next: () => Promise<void>) => Promise<void>;
  /** Whether the Settings tab offers the failure alerts (default true; PostgreSQL sends none yet). */
  alertSettings?: boolean;
}

/** The page's accounts: the context's, else the data directory's. */
export function pageAccounts(context: AdminContext): PageAccounts {
  return context.accounts ?? storeAccounts(context.store);
}

/** A district an operator adds on the overview: its id, name and PowerSchool connection. */
export interface NewDistrict {
  id: string;
  name: string;
  url: string;
  clientId: string;
  clientSecret: string;
}

/** What the page does with events: EventsPort without accepting. */
export type PageEvents = Omit<EventsPort, 'accept'>;

/**
 * The events of the page: the context's port, else the data directory's log and connector (the
 * log reads before a connection is saved; a re-send needs one).
 */
export function pageEvents(context: AdminContext): PageEvents {
  if (context.events) return context.events;
  return {
    async logs(_district, actor, filter) {
      return readLogPage(context.store(), actor, filter);
    },
    async record(_district, actor, id) {
      const row = context.store().get(id);
      return row && canSeeSchool(actor, row.school_number) ? toWritebackRecord(row) : undefined;
    },
    async resend(_district, actor, id) {
      const connector = context.connector();
      if (!connector) {
        throw new ConnectorError(
          'not_connected',
          'No PowerSchool connection is saved: nothing can be sent.',
        );
      }
      return connector.resend(actor, id);
    },
    async settings() {
      return context.settings.get();
    },
  };
}

/** Renders a tab's page for the signed-in user. */
export function renderTab(
  c: Context<AdminEnv>,
  tab: TabId,
  title: string,
  body: Markup,
  status: ContentfulStatusCode = 200,
): Response | Promise<Response> {
  return c.html(
    adminPage({
      title,
      tab,
      user: c.var.user,
      csrf: c.var.csrf,
      body,
      ...(c.var.tabs ? { served: c.var.tabs } : {}),
    }),
    status,
  );
}

/** A page that refuses: what was refused and why, in the frame of the tab asked for. */
export function refusalPage(
  c: Context<AdminEnv>,
  tab: TabId,
  status: 403 | 404 | 501,
  detail: string,
): Response | Promise<Response> {
  const title = status === 404 ? 'Not found' : status === 501 ? 'Not available' : 'Not allowed';
  return renderTab(c, tab, title, notice('error', detail), status);
}

/** Who made a change, as the audit log names them. */
export function auditActor(user: PageUser): string {
  return `user:${user.email}`;
}

/** Records a change in the audit log of the user's district. */
export async function audit(
  context: AdminContext,
  who: { user: PageUser; district: string },
  entry: Omit<NewAuditEntry, 'actor' | 'at'>,
): Promise<void> {
  await pageAccounts(context).recordAudit(who.district, {
    ...entry,
    actor: auditActor(who.user),
    at: context.now(),
  });
}
