/**
 * Failure alerts: where `pswb serve` tells a district that writebacks failed (service/alerts.ts
 * sends them): an email digest over SMTP and/or a webhook signed with HMAC-SHA256, at most one
 * digest per interval. This file checks the settings and saves them (district admins only). The
 * SMTP password (inside the SMTP URL) and the webhook secret are write-only: redactSettings and
 * alertsView leave them out of everything shown, logged or audited.
 */
import { ConnectorError } from '../domain/index.ts';
import { assertDistrictAdmin, type Actor } from './roles.ts';
import {
  redactSettings,
  type AlertSettings,
  type ConnectorSettings,
  type SettingsStore,
} from './settings.ts';

export type { AlertSettings } from './settings.ts';

/** The interval's bounds and default, in minutes. */
export const ALERT_INTERVAL = { min: 1, max: 1440, default: 15 } as const;
/** The most addresses a digest goes to. */
export const MAX_ALERT_RECIPIENTS = 20;
/** The shortest webhook secret taken. */
export const MIN_WEBHOOK_SECRET = 16;

/** What a change gives: each field left out keeps what is saved ('' or [] removes it). */
export interface AlertChange {
  intervalMinutes?: number;
  /** Addresses; [] removes the email digest. */
  emailTo?: readonly string[];
  emailFrom?: string;
  /** smtp:// or smtps://, may hold user:password; write-only. */
  smtpUrl?: string;
  /** '' removes the webhook. */
  webhookUrl?: string;
  /** Write-only. */
  webhookSecret?: string;
  /** '' goes back to the service's own URL. */
  pageUrl?: string;
}

/** The alerts as anyone may see them: no SMTP password, no webhook secret. */
export interface AlertsView {
  intervalMinutes: number;
  email: { to: string[]; from: string; smtpHost: string } | null;
  webhook: { url: string } | null;
  pageUrl: string | null;
}

const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

function invalid(message: string): never {
  throw new ConnectorError('invalid_settings', message);
}

/** The interval, or invalid_settings naming the valid range. */
export function checkAlertInterval(value: number): number {
  if (!Number.isInteger(value) || value < ALERT_INTERVAL.min || value > ALERT_INTERVAL.max) {
    invalid(
      `The alert interval "${String(value)}" is not valid: give whole minutes from ${ALERT_INTERVAL.min} to ${ALERT_INTERVAL.max} (a day); the default is ${ALERT_INTERVAL.default}.`,
    );
  }
  return value;
}

function checkAddress(what: string, value: string): string {
  const trimmed = value.trim();
  if (!ADDRESS.test(trimmed)) {
    invalid(
      `${what} "${trimmed}" is not an email address: give one like alerts@district.org (no name, no angle brackets).`,
    );
  }
  return trimmed;
}

/** The recipients, trimmed and without repeats, or invalid_settings. */
export function checkAlertRecipients(values: readonly string[]): string[] {
  const to = [...new Set(values.map((value) => value.trim()).filter((value) => value !== ''))];
  if (to.length === 0 || to.length > MAX_ALERT_RECIPIENTS) {
    invalid(
      `The alert email goes to ${to.length} addresses: give 1 to ${MAX_ALERT_RECIPIENTS}, separated by commas.`,
    );
  }
  return to.map((address) => checkAddress('The alert recipient', address));
}

/** The URL the text is, or undefined when it is not one. */
function urlOf(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** The SMTP URL, or invalid_settings (the message never repeats a password). */
export function checkSmtpUrl(value: string): string {
  const trimmed = value.trim();
  const url = urlOf(trimmed);
  if (
    !url ||
    (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') ||
    url.hostname === '' ||
    (url.pathname !== '' && url.pathname !== '/') ||
    url.search !== '' ||
    url.hash !== ''
  ) {
    invalid(
      'The SMTP URL is not valid: give smtp://host:587 (STARTTLS when the server offers it) or smtps://host:465 (TLS), with user:password@ before the host when the server needs a sign-in, e.g. smtps://alerts%40district.org:PASSWORD@smtp.district.org:465 (percent-encode @ and : in the user and password; no path or query).',
    );
  }
  return trimmed;
}

function isLocalHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

/** The webhook URL, or invalid_settings: https, or http only for localhost/127.0.0.1. */
export function checkWebhookUrl(value: string): string {
  const trimmed = value.trim();
  const url = urlOf(trimmed);
  const ok =
    url !== undefined &&
    url.username === '' &&
    url.password === '' &&
    (url.protocol === 'https:' || (url.protocol === 'http:' && isLocalHost(url.hostname)));
  if (!ok) {
    invalid(
      `The webhook URL "${url ? `${url.protocol}//${url.host}${url.pathname}` : trimmed}" is not valid: give an https:// URL (http:// only for localhost or 127.0.0.1), with no user:password in it, e.g. https://hooks.district.org/pswb.`,
    );
  }
  return trimmed;
}

/** The webhook secret, or invalid_settings (the message never repeats it). */
export function checkWebhookSecret(value: string): string {
  if (value.length < MIN_WEBHOOK_SECRET || value.length > 512 || value.trim() !== value) {
    invalid(
      `The webhook secret has ${value.length} characters: give ${MIN_WEBHOOK_SECRET} to 512 with no leading or trailing spaces, e.g. the output of openssl rand -hex 32.`,
    );
  }
  return value;
}

/** The page's public URL, without a trailing slash, or invalid_settings. */
export function checkPageUrl(value: string): string {
  const trimmed = value.trim().replace(/\/+$/, '');
  const url = urlOf(trimmed);
  if (
    !url ||
    (url.protocol !== 'https:' && url.protocol !== 'http:') ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    invalid(
      `The page URL "${trimmed}" is not valid: give the address people open the page at, http:// or https://, with no query, e.g. https://pswb.district.org (links become https://pswb.district.org/admin/logs?event=…).`,
    );
  }
  return trimmed;
}

/** Checks whole alert settings; at least one of email and webhook. */
export function checkAlertSettings(alerts: AlertSettings): AlertSettings {
  const checked: AlertSettings = { intervalMinutes: checkAlertInterval(alerts.intervalMinutes) };
  if (alerts.email) {
    checked.email = {
      to: checkAlertRecipients(alerts.email.to),
      from: checkAddress('The alert sender (From)', alerts.email.from),
      smtpUrl: checkSmtpUrl(alerts.email.smtpUrl),
    };
  }
  if (alerts.webhook) {
    checked.webhook = {
      url: checkWebhookUrl(alerts.webhook.url),
      secret: checkWebhookSecret(alerts.webhook.secret),
    };
  }
  if (alerts.pageUrl !== undefined) checked.pageUrl = checkPageUrl(alerts.pageUrl);
  if (!checked.email && !checked.webhook) {
    invalid(
      'Failure alerts need somewhere to go: give the email recipients (with the sender and the SMTP URL), a webhook URL (with its secret), or both. To turn alerts off, clear them.',
    );
  }
  return checked;
}

/**
 * The alert settings a change makes from the saved ones: a field left out keeps its saved value
 * (so the write-only SMTP URL and webhook secret need not be given again), then all checked.
 */
export function applyAlertChange(
  saved: AlertSettings | undefined,
  change: AlertChange,
): AlertSettings {
  const next: AlertSettings = {
    intervalMinutes: checkAlertInterval(
      change.intervalMinutes ?? saved?.intervalMinutes ?? ALERT_INTERVAL.default,
    ),
  };
  const to = change.emailTo ?? saved?.email?.to ?? [];
  if (to.length > 0) {
    const from = change.emailFrom || saved?.email?.from || '';
    const smtpUrl = change.smtpUrl || saved?.email?.smtpUrl || '';
    if (from.trim() === '') {
      invalid('The alert email needs a sender (From): give an address like pswb@district.org.');
    }
    if (smtpUrl.trim() === '') {
      invalid(
        'The alert email needs the SMTP URL of the server that sends it: smtp://host:587 or smtps://user:password@host:465.',
      );
    }
    next.email = { to: [...to], from, smtpUrl };
  } else if (change.emailFrom?.trim() || change.smtpUrl?.trim()) {
    invalid(
      `The alert email needs its recipients (To): give 1 to ${MAX_ALERT_RECIPIENTS} addresses, separated by commas.`,
    );
  }
  const webhookUrl = change.webhookUrl ?? saved?.webhook?.url ?? '';
  if (webhookUrl.trim() !== '') {
    const secret = change.webhookSecret || saved?.webhook?.secret || '';
    if (secret === '') {
      invalid(
        `The webhook needs a secret to sign each digest with: give ${MIN_WEBHOOK_SECRET} characters or more, e.g. the output of openssl rand -hex 32.`,
      );
    }
    next.webhook = { url: webhookUrl, secret };
  } else if (change.webhookSecret) {
    invalid('A webhook secret was given without a webhook URL: give the URL too.');
  }
  const pageUrl = change.pageUrl ?? saved?.pageUrl ?? '';
  if (pageUrl.trim() !== '') next.pageUrl = pageUrl;
  return checkAlertSettings(next);
}

/** Saves a change to the alerts (district admins only); null turns alerts off. */
export async function setAlertSettings(
  store: SettingsStore,
  actor: Actor,
  change: AlertChange | null,
): Promise<ConnectorSettings> {
  assertDistrictAdmin(actor, 'change the failure alerts');
  const next = change === null ? null : applyAlertChange(store.get().alerts, change);
  return store.update((draft) => {
    if (next === null) delete draft.alerts;
    else draft.alerts = next;
  });
}

/** The SMTP URL's host (and port), for showing: never its user or password. */
export function smtpHostOf(smtpUrl: string): string {
  try {
    const url = new URL(smtpUrl);
    return `${url.protocol}//${url.host}`;
  } catch {
    return '';
  }
}

/** The alerts as the page, the API and the CLI show them: no secret at all. */
export function alertsView(alerts: AlertSettings | undefined): AlertsView | null {
  if (!alerts) return null;
  return {
    intervalMinutes: alerts.intervalMinutes,
    email: alerts.email
      ? {
          to: [...alerts.email.to],
          from: alerts.email.from,
          smtpHost: smtpHostOf(alerts.email.smtpUrl),
        }
      : null,
    webhook: alerts.webhook ? { url: alerts.webhook.url } : null,
    pageUrl: alerts.pageUrl ?? null,
  };
}

/** The alerts as the audit log keeps them (redacted: the secrets replaced). */
export function auditedAlerts(settings: ConnectorSettings): AlertSettings | null {
  return redactSettings(settings).alerts ?? null;
}
