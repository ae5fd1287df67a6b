/**
 * The Settings tab's "Failure alerts" card (the form; its routes are pages/alerts.ts). The SMTP
 * URL and the webhook secret are write-only: their fields are always empty, the hints say only
 * whether one is saved (and the SMTP server's host).
 */
import { html } from 'hono/html';
import {
  ALERT_INTERVAL,
  MAX_ALERT_RECIPIENTS,
  MIN_WEBHOOK_SECRET,
  alertsView,
  type AlertsView,
} from '../../../connector/index.ts';
import type { AdminContext } from '../context.ts';
import { csrfField, type Markup } from '../layout.ts';
import type { AdminEnv } from '../session.ts';

/** The form's values (never a secret). */
export interface AlertsForm {
  intervalMinutes: string;
  emailTo: string;
  emailFrom: string;
  webhookUrl: string;
  pageUrl: string;
}

function formOf(view: AlertsView | null): AlertsForm {
  return {
    intervalMinutes: String(view?.intervalMinutes ?? ALERT_INTERVAL.default),
    emailTo: view?.email?.to.join(', ') ?? '',
    emailFrom: view?.email?.from ?? '',
    webhookUrl: view?.webhook?.url ?? '',
    pageUrl: view?.pageUrl ?? '',
  };
}

/** The "Failure alerts" card as saved, with an optional result above it. */
export function savedAlertsSection(
  who: AdminEnv['Variables'],
  context: AdminContext,
  result?: Markup,
  entered?: AlertsForm,
): Markup {
  const view = alertsView(context.settings.get().alerts);
  return alertsSection(who, view, entered ?? formOf(view), result);
}

function alertsSection(
  who: AdminEnv['Variables'],
  saved: AlertsView | null,
  values: AlertsForm,
  result: Markup | undefined,
): Markup {
  const editable = who.user.role === 'district_admin';
  const disabled = editable ? '' : html`disabled`;
  const smtpHint = saved?.email
    ? `Saved: ${saved.email.smtpHost}. Leave this empty to keep it; it is never shown (it may hold a password).`
    : 'smtp://host:587 (STARTTLS when offered) or smtps://user:password@host:465 (TLS). Never shown once saved.';
  const secretHint = saved?.webhook
    ? 'A secret is saved. Leave this empty to keep it; it is never shown.'
    : `At least ${MIN_WEBHOOK_SECRET} characters, e.g. the output of openssl rand -hex 32. Each digest is signed with it (X-Pswb-Signature: sha256=…).`;
  const state = saved
    ? `On: at most one digest every ${saved.intervalMinutes} minute${saved.intervalMinutes === 1 ? '' : 's'}${saved.email ? `, by email to ${saved.email.to.join(', ')}` : ''}${saved.webhook ? `${saved.email ? ' and' : ','} to the webhook` : ''}.`
    : 'Off: no alerts are sent.';
  return html`<section id="alerts" aria-labelledby="alerts-title">
    ${result ?? ''}
    <form method="post" action="/admin/settings/alerts" class="card" novalidate>
      ${csrfField(who.csrf)}
      <h2 id="alerts-title">Failure alerts</h2>
      <p class="hint">
        ${state} When writebacks fail, the first failure starts the interval; every failure until it
        ends goes into one digest, each with PowerSchool’s error, what it means, how to resolve it
        and a link to its row on the Writeback Logs.
      </p>
      <div class="field">
        <label for="alertInterval">Interval (minutes)</label>
        <input
          id="alertInterval"
          name="intervalMinutes"
          type="number"
          min="${ALERT_INTERVAL.min}"
          max="${ALERT_INTERVAL.max}"
          value="${values.intervalMinutes}"
          aria-describedby="interval-hint"
          ${disabled}
        />
        <div id="interval-hint" class="hint">
          ${ALERT_INTERVAL.min} to ${ALERT_INTERVAL.max}; at most one digest per interval.
        </div>
      </div>
      <div class="row">
        <div class="field">
          <label for="alertEmailTo">Email to</label>
          <input
            id="alertEmailTo"
            name="emailTo"
            type="text"
            size="48"
            value="${values.emailTo}"
            aria-describedby="email-to-hint"
            ${disabled}
          />
          <div id="email-to-hint" class="hint">
            1 to ${MAX_ALERT_RECIPIENTS} addresses, separated by commas; empty for no email.
          </div>
        </div>
        <div class="field">
          <label for="alertEmailFrom">Email from</label>
          <input
            id="alertEmailFrom"
            name="emailFrom"
            type="text"
            size="32"
            value="${values.emailFrom}"
            ${disabled}
          />
        </div>
      </div>
      <div class="field">
        <label for="alertSmtpUrl">SMTP URL</label>
        <input
          id="alertSmtpUrl"
          name="smtpUrl"
          type="password"
          autocomplete="off"
          size="48"
          value=""
          aria-describedby="smtp-hint"
          ${disabled}
        />
        <div id="smtp-hint" class="hint">${smtpHint}</div>
      </div>
      <div class="row">
        <div class="field">
          <label for="alertWebhookUrl">Webhook URL</label>
          <input
            id="alertWebhookUrl"
            name="webhookUrl"
            type="text"
            inputmode="url"
            size="48"
            value="${values.webhookUrl}"
            aria-describedby="webhook-hint"
            ${disabled}
          />
          <div id="webhook-hint" class="hint">
            https:// (http:// only for localhost); empty for no webhook.
          </div>
        </div>
        <div class="field">
          <label for="alertWebhookSecret">Webhook secret</label>
          <input
            id="alertWebhookSecret"
            name="webhookSecret"
            type="password"
            autocomplete="new-password"
            size="32"
            value=""
            aria-describedby="webhook-secret-hint"
            ${disabled}
          />
          <div id="webhook-secret-hint" class="hint">${secretHint}</div>
        </div>
      </div>
      <div class="field">
        <label for="alertPageUrl">Page URL for links</label>
        <input
          id="alertPageUrl"
          name="pageUrl"
          type="text"
          inputmode="url"
          size="48"
          value="${values.pageUrl}"
          aria-describedby="page-url-hint"
          ${disabled}
        />
        <div id="page-url-hint" class="hint">
          The address people open this page at, e.g. https://pswb.district.org; empty for this
          service’s own address.
        </div>
      </div>
      ${
        editable
          ? html`<div class="row">
              <button type="submit" class="secondary">Save alerts</button>
              ${
                saved
                  ? html`<button
                        type="submit"
                        class="secondary"
                        formaction="/admin/settings/alerts/test"
                      >
                        Send a test alert
                      </button>
                      <button type="submit" class="secondary" name="off" value="1">
                        Turn alerts off
                      </button>`
                  : ''
              }
            </div>`
          : ''
      }
    </form>
  </section>`;
}
