/**
 * The routes of the Settings tab's "Failure alerts" form (connector/setup/alerts.ts; service/alerts.ts sends
 * them): the interval, the email digest (To, From, SMTP URL) and the signed webhook (URL,
 * secret), the page's public URL for links, Save, "Turn alerts off" and "Send a test alert".
 * The SMTP URL (it may hold a password) and the webhook secret are write-only: never sent to the
 * browser, an empty field keeps the saved one, the audit log gets the redacted form. District
 * admins change them; support reads them; building admins do not see the Settings tab.
 */
import type { Hono } from 'hono';
import {
  ConnectorError,
  auditedAlerts,
  setAlertSettings,
  type AlertChange,
} from '../../../connector/index.ts';
import type { AlertSendResult } from '../../alerts.ts';
import { audit, refusalPage, type AdminContext } from '../context.ts';
import { mayOpen, notice, type Markup } from '../layout.ts';
import { field, type AdminEnv } from '../session.ts';
import { savedAlertsSection, type AlertsForm } from './alerts-form.ts';
import { renderSettings } from './settings.ts';

/** The form's values as entered (trimmed; never a secret). */
function enteredOf(form: Record<string, string | string[]>): AlertsForm {
  return {
    intervalMinutes: field(form, 'intervalMinutes'),
    emailTo: field(form, 'emailTo'),
    emailFrom: field(form, 'emailFrom'),
    webhookUrl: field(form, 'webhookUrl'),
    pageUrl: field(form, 'pageUrl'),
  };
}

/** A change from the form: empty write-only fields keep the saved values. */
function changeOf(form: Record<string, string | string[]>): AlertChange {
  const entered = enteredOf(form);
  const interval = entered.intervalMinutes === '' ? Number.NaN : Number(entered.intervalMinutes);
  const smtpUrl = field(form, 'smtpUrl');
  const webhookSecret = field(form, 'webhookSecret');
  return {
    intervalMinutes: Number.isNaN(interval) ? -1 : interval,
    emailTo: entered.emailTo
      .split(/[,;\s]+/)
      .map((address) => address.trim())
      .filter((address) => address !== ''),
    emailFrom: entered.emailFrom,
    ...(smtpUrl ? { smtpUrl } : {}),
    webhookUrl: entered.webhookUrl,
    ...(webhookSecret ? { webhookSecret } : {}),
    pageUrl: entered.pageUrl,
  };
}

function resultNotice(results: AlertSendResult[]): Markup {
  if (results.length === 0) return notice('error', 'No alerts are configured: save them first.');
  const items = results.map((result) =>
    result.ok
      ? `${result.channel === 'email' ? 'Email' : 'Webhook'}: sent.`
      : `${result.channel === 'email' ? 'Email' : 'Webhook'}: not sent: ${result.error ?? 'failed'}.`,
  );
  return results.every((result) => result.ok)
    ? notice('ok', 'Test alert sent: a digest with one sample failure.', items)
    : notice('error', 'The test alert was not sent everywhere.', items);
}

export function registerAlerts(app: Hono<AdminEnv>, context: AdminContext): void {
  const refuse = (c: Parameters<typeof refusalPage>[0]) =>
    !mayOpen(c.var.user, 'settings')
      ? refusalPage(
          c,
          'overview',
          403,
          'The Settings tab is for district admins: failure alerts apply to every school.',
        )
      : c.var.user.role !== 'district_admin'
        ? refusalPage(c, 'settings', 403, 'Only a district admin can change the failure alerts.')
        : undefined;

  app.post('/admin/settings/alerts', async (c) => {
    const refused = refuse(c);
    if (refused) return refused;
    const form = c.var.form;
    const before = auditedAlerts(context.settings.get());
    const off = field(form, 'off') !== '';
    try {
      const saved = await setAlertSettings(
        context.settings,
        c.var.actor,
        off ? null : changeOf(form),
      );
      await audit(context, c.var, {
        action: 'settings.alerts',
        target: 'settings',
        before: { alerts: before },
        after: { alerts: auditedAlerts(saved) },
      });
      const message = off
        ? 'Failure alerts turned off: nothing is sent.'
        : 'Failure alerts saved. Send a test alert to check they arrive.';
      return renderSettings(c, context, {
        alerts: savedAlertsSection(c.var, context, notice('ok', message)),
      });
    } catch (error) {
      if (!(error instanceof ConnectorError)) throw error;
      return renderSettings(c, context, {
        alerts: savedAlertsSection(
          c.var,
          context,
          notice('error', 'Failure alerts not saved.', [error.message]),
          enteredOf(form),
        ),
        status: 422,
      });
    }
  });

  app.post('/admin/settings/alerts/test', async (c) => {
    const refused = refuse(c);
    if (refused) return refused;
    if (!context.settings.get().alerts || !context.alerts) {
      return renderSettings(c, context, {
        alerts: savedAlertsSection(
          c.var,
          context,
          notice('error', 'No alerts are configured: save them first.'),
        ),
        status: 422,
      });
    }
    const results = await context.alerts.sendTest();
    const ok = results.length > 0 && results.every((result) => result.ok);
    return renderSettings(c, context, {
      alerts: savedAlertsSection(c.var, context, resultNotice(results)),
      status: ok ? 200 : 502,
    });
  });
}
