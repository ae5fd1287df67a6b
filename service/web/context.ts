/**
 * What the page's routes work with: the data directory's settings and store, the connector of
 * the saved connection (none before one is saved), and the service's hooks.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type {
  Connector,
  NewAuditEntry,
  ReconcileReport,
  SettingsStore,
  UserRecord,
  WritebackStore,
} from '../../connector/index.ts';
import type { AlertSendResult } from '../alerts.ts';
import type { HealthReport } from '../app.ts';
import { adminPage, notice, type Markup, type TabId } from './layout.ts';
import type { AdminEnv } from './session.ts';

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
}

/** Renders a tab's page for the signed-in user. */
export function renderTab(
  c: Context<AdminEnv>,
  tab: TabId,
  title: string,
  body: Markup,
  status: ContentfulStatusCode = 200,
): Response | Promise<Response> {
  return c.html(adminPage({ title, tab, user: c.var.user, csrf: c.var.csrf, body }), status);
}

/** A page that refuses: what was refused and why, in the frame of the tab asked for. */
export function refusalPage(
  c: Context<AdminEnv>,
  tab: TabId,
  status: 403 | 404,
  detail: string,
): Response | Promise<Response> {
  const title = status === 404 ? 'Not found' : 'Not allowed';
  return renderTab(c, tab, title, notice('error', detail), status);
}

/** Who made a change, as the audit log names them. */
export function auditActor(user: UserRecord): string {
  return `user:${user.email}`;
}

/** Records a change in the audit log. */
export function audit(
  context: AdminContext,
  user: UserRecord,
  entry: Omit<NewAuditEntry, 'actor' | 'at'>,
): void {
  context.store().audit.record({ ...entry, actor: auditActor(user), at: context.now() });
}
