/**
 * Failure alerts (docs/service.md, "Failure alerts"; decision 074): the service tells the
 * district when writebacks fail, by an email digest (nodemailer over SMTP) and/or a webhook
 * signed with HMAC-SHA256, as the Settings tab configures them (connector/setup/alerts.ts).
 *
 * The interval rule: the first failure after a quiet period starts a timer of `intervalMinutes`;
 * every failure until it fires joins the same digest; when it fires, one digest goes to each
 * channel. So digests are at least an interval apart, and a failure waits at most one interval.
 * A channel that fails keeps its failures for its next digest (one interval later), at most
 * MAX_PENDING of them, the oldest dropped and counted. The buffer is in memory: a restart loses
 * what was not yet sent (the failures stay on the Writeback Logs). Stopping flushes, bounded.
 * Log lines never hold a secret: no SMTP password, no webhook secret, no student name.
 */
import { createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import {
  toWritebackRecord,
  type AlertSettings,
  type ConnectorSettings,
  type EventRow,
  type FinishedEvent,
} from '../connector/index.ts';
import type { LogLine } from './log.ts';

/** The most failures a channel keeps waiting; older ones are dropped and counted. */
export const MAX_PENDING = 500;
/** How long one send may take (SMTP connection, greeting and socket; the webhook's request). */
export const SEND_TIMEOUT_MS = 5000;
/** How long stopping waits for the last digest. */
export const STOP_FLUSH_MS = 10_000;

/** One failure as a digest tells it: the log's own explanation and a link to its row. */
export interface AlertFailure {
  id: string;
  student: string;
  school: number;
  schoolName: string | null;
  type: string;
  /** District-local date and time of the event. */
  date: string;
  time: string;
  /** PowerSchool's answer (or the connector's refusal). */
  message: string;
  status: number | null;
  code: string;
  meaning: string;
  resolution: string[];
  link: string;
}

/** One digest: the district (its PowerSchool URL), the failures, how many were dropped. */
export interface AlertDigest {
  district: string;
  failures: AlertFailure[];
  /** Failures left out because more than MAX_PENDING waited. */
  dropped: number;
  sentAt: string;
  /** True for "Send a test alert". */
  test?: boolean;
}

export type AlertChannel = 'email' | 'webhook';

/** How one channel's send went. */
export interface AlertSendResult {
  channel: AlertChannel;
  ok: boolean;
  /** Why it failed (no secret in it). */
  error?: string;
}

/** Timers, injectable so tests need no real waiting. */
export interface AlertTimers {
  set(run: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const REAL_TIMERS: AlertTimers = {
  set: (run, ms) => {
    const handle = setTimeout(run, ms);
    handle.unref?.();
    return handle;
  },
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface AlertNotifierOptions {
  /** The current settings (the alerts may change while the service runs). */
  settings: () => ConnectorSettings;
  /** The stored row of an event (connector.db). */
  row: (id: string) => EventRow | undefined;
  /** The service's own URL: links use it unless the alerts give pageUrl. */
  serviceUrl: () => string;
  log?: (line: LogLine) => void;
  now?: () => Date;
  timers?: AlertTimers;
  /** How long a send may take (default SEND_TIMEOUT_MS). */
  timeoutMs?: number;
}

interface Pending {
  failures: AlertFailure[];
  dropped: number;
}

/**
 * Collects failed writebacks and sends one digest per interval to each configured channel.
 * One service serves one district, so one notifier holds that district's digest.
 */
export class AlertNotifier {
  readonly #options: AlertNotifierOptions;
  readonly #log: (line: LogLine) => void;
  readonly #now: () => Date;
  readonly #timers: AlertTimers;
  readonly #pending: Record<AlertChannel, Pending> = {
    email: { failures: [], dropped: 0 },
    webhook: { failures: [], dropped: 0 },
  };
  #timer: unknown;
  #flushing: Promise<void> | undefined;
  #stopped = false;

  constructor(options: AlertNotifierOptions) {
    this.#options = options;
    this.#log = options.log ?? (() => undefined);
    this.#now = options.now ?? (() => new Date());
    this.#timers = options.timers ?? REAL_TIMERS;
  }

  /** Feeds one finished event; only failures are kept, and only when alerts are configured. */
  notify(outcome: FinishedEvent): void {
    if (outcome.state !== 'failed' || this.#stopped) return;
    const alerts = this.#options.settings().alerts;
    if (!alerts) return;
    const failure = this.#failureOf(outcome, alerts);
    if (!failure) return;
    for (const channel of channelsOf(alerts)) add(this.#pending[channel], [failure]);
    this.#arm(alerts);
  }

  /** How many failures wait for each channel's next digest. */
  pending(): Record<AlertChannel, number> {
    return {
      email: this.#pending.email.failures.length,
      webhook: this.#pending.webhook.failures.length,
    };
  }

  /** Sends what waits now (the timer's work; also at stop). */
  flush(): Promise<void> {
    if (this.#timer !== undefined) {
      this.#timers.clear(this.#timer);
      this.#timer = undefined;
    }
    this.#flushing ??= this.#flushNow().finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  /** Resolves when the digest being sent, if any, is done (tests; stop). */
  async settled(): Promise<void> {
    await this.#flushing;
  }

  /** "Send a test alert": one sample failure to every configured channel, now. */
  async sendTest(): Promise<AlertSendResult[]> {
    const settings = this.#options.settings();
    const alerts = settings.alerts;
    if (!alerts) return [];
    const digest: AlertDigest = {
      district: districtOf(settings),
      failures: [sampleFailure(this.#linkBase(alerts))],
      dropped: 0,
      sentAt: this.#now().toISOString(),
      test: true,
    };
    const results = await Promise.all(
      channelsOf(alerts).map((channel) => this.#send(channel, alerts, digest)),
    );
    return results;
  }

  /** Stops: no more failures taken, what waits sent (at most STOP_FLUSH_MS). */
  async stop(waitMs = STOP_FLUSH_MS): Promise<void> {
    this.#stopped = true;
    let timeout: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.flush(),
      new Promise<void>((resolve) => {
        timeout = setTimeout(resolve, waitMs);
        timeout.unref?.();
      }),
    ]);
    clearTimeout(timeout);
  }

  #arm(alerts: AlertSettings): void {
    if (this.#timer !== undefined || this.#stopped) return;
    this.#timer = this.#timers.set(() => {
      this.#timer = undefined;
      void this.flush();
    }, alerts.intervalMinutes * 60_000);
  }

  async #flushNow(): Promise<void> {
    const settings = this.#options.settings();
    const alerts = settings.alerts;
    if (!alerts) {
      // Alerts were turned off while failures waited: nothing to send them to.
      this.#pending.email = { failures: [], dropped: 0 };
      this.#pending.webhook = { failures: [], dropped: 0 };
      return;
    }
    const configured = channelsOf(alerts);
    for (const channel of ['email', 'webhook'] as const) {
      if (!configured.includes(channel)) this.#pending[channel] = { failures: [], dropped: 0 };
    }
    await Promise.all(
      configured.map(async (channel) => {
        const taken = this.#pending[channel];
        if (taken.failures.length === 0) return;
        this.#pending[channel] = { failures: [], dropped: 0 };
        const digest: AlertDigest = {
          district: districtOf(settings),
          failures: taken.failures,
          dropped: taken.dropped,
          sentAt: this.#now().toISOString(),
        };
        const result = await this.#send(channel, alerts, digest);
        if (!result.ok) {
          // Kept for the next digest, before anything that failed since.
          const later = this.#pending[channel];
          this.#pending[channel] = { failures: [], dropped: taken.dropped + later.dropped };
          add(this.#pending[channel], [...taken.failures, ...later.failures]);
        }
      }),
    );
    const waiting = this.pending();
    if (waiting.email + waiting.webhook > 0 && !this.#stopped) this.#arm(alerts);
  }

  async #send(
    channel: AlertChannel,
    alerts: AlertSettings,
    digest: AlertDigest,
  ): Promise<AlertSendResult> {
    const timeoutMs = this.#options.timeoutMs ?? SEND_TIMEOUT_MS;
    try {
      if (channel === 'email') await sendEmail(alerts, digest, timeoutMs);
      else await sendWebhook(alerts, digest, timeoutMs);
      this.#log({
        level: 'info',
        msg: 'alert sent',
        channel,
        failures: digest.failures.length,
        ...(digest.dropped > 0 ? { dropped: digest.dropped } : {}),
        ...(digest.test ? { test: true } : {}),
      });
      return { channel, ok: true };
    } catch (error) {
      const message = scrub(error instanceof Error ? error.message : String(error), alerts);
      this.#log({
        level: 'warn',
        msg: 'alert not sent',
        channel,
        failures: digest.failures.length,
        error: message,
        ...(digest.test ? { test: true } : { kept: 'for the next digest' }),
      });
      return { channel, ok: false, error: message };
    }
  }

  #linkBase(alerts: AlertSettings): string {
    return (alerts.pageUrl ?? this.#options.serviceUrl()).replace(/\/+$/, '');
  }

  #failureOf(outcome: FinishedEvent, alerts: AlertSettings): AlertFailure | undefined {
    let row: EventRow | undefined;
    try {
      row = this.#options.row(outcome.id);
    } catch (error) {
      this.#log({
        level: 'warn',
        msg: 'alert: event not readable',
        event: outcome.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    const link = `${this.#linkBase(alerts)}/admin/logs?event=${encodeURIComponent(outcome.id)}`;
    if (!row) {
      return {
        id: outcome.id,
        student: '',
        school: outcome.schoolNumber,
        schoolName: this.#schoolName(outcome.schoolNumber),
        type: '',
        date: '',
        time: '',
        message: outcome.errorCode ?? 'failed',
        status: null,
        code: outcome.errorCode ?? 'unknown',
        meaning: 'The event failed; its row on the Writeback Logs has the details.',
        resolution: ['Open the event on the Writeback Logs.'],
        link,
      };
    }
    const record = toWritebackRecord(row);
    return {
      id: record.id,
      student: record.studentName,
      school: record.schoolNumber,
      schoolName: this.#schoolName(record.schoolNumber),
      type: record.typeLabel,
      date: record.localDate,
      time: record.localTime,
      message: record.error?.message ?? outcome.errorCode ?? 'failed',
      status: record.error?.status ?? null,
      code: record.error?.code ?? outcome.errorCode ?? 'unknown',
      meaning: record.error?.meaning ?? '',
      resolution: [...(record.error?.resolution ?? [])],
      link,
    };
  }

  #schoolName(school: number): string | null {
    return this.#options.settings().schools[String(school)]?.name ?? null;
  }
}

function channelsOf(alerts: AlertSettings): AlertChannel[] {
  return [
    ...(alerts.email ? (['email'] as const) : []),
    ...(alerts.webhook ? (['webhook'] as const) : []),
  ];
}

function add(pending: Pending, failures: readonly AlertFailure[]): void {
  pending.failures.push(...failures);
  const over = pending.failures.length - MAX_PENDING;
  if (over > 0) {
    pending.failures.splice(0, over);
    pending.dropped += over;
  }
}

/** The district a digest is about: its PowerSchool URL (the service's one connection). */
function districtOf(settings: ConnectorSettings): string {
  return settings.connection?.url ?? 'no PowerSchool connection saved';
}

function hostOf(district: string): string {
  try {
    return new URL(district).host;
  } catch {
    return district;
  }
}

/** The message with any secret of the alerts replaced (an error may repeat a URL). */
function scrub(message: string, alerts: AlertSettings): string {
  const secrets: string[] = [];
  if (alerts.webhook) secrets.push(alerts.webhook.secret);
  if (alerts.email) {
    try {
      const url = new URL(alerts.email.smtpUrl);
      if (url.password) secrets.push(url.password, decodeURIComponent(url.password));
      secrets.push(alerts.email.smtpUrl);
    } catch {
      secrets.push(alerts.email.smtpUrl);
    }
  }
  let text = message;
  for (const secret of secrets.filter((value) => value.length > 0)) {
    text = text.split(secret).join('********');
  }
  return text;
}

/** A made-up failure for "Send a test alert". */
function sampleFailure(linkBase: string): AlertFailure {
  return {
    id: 'test-alert',
    student: 'Sample Student',
    school: 0,
    schoolName: 'Sample school',
    type: 'Late Check-in',
    date: '2026-01-05',
    time: '08:40',
    message: 'This is a test alert from pswb: no writeback failed.',
    status: null,
    code: 'test',
    meaning: 'Alerts reach you: a real digest lists each failed writeback like this one.',
    resolution: ['Nothing to do. Real failures link to their row on the Writeback Logs.'],
    link: `${linkBase}/admin/logs?event=test-alert`,
  };
}

/** The digest's subject line. */
export function digestSubject(digest: AlertDigest): string {
  const count = digest.failures.length + digest.dropped;
  const what = `${count} writeback${count === 1 ? '' : 's'} failed in ${hostOf(digest.district)}`;
  return digest.test ? `pswb: test alert (${what})` : `pswb: ${what}`;
}

/** The digest as plain text. */
export function digestText(digest: AlertDigest): string {
  const lines = [digestSubject(digest).replace(/^pswb: /, ''), ''];
  for (const failure of digest.failures) {
    lines.push(
      `- ${failure.type} ${failure.date} ${failure.time}: ${failure.student}, ${failure.schoolName ?? 'school'} (${failure.school})`,
      `  PowerSchool: ${failure.status !== null ? `HTTP ${failure.status}: ` : ''}${failure.message}`,
      `  What it means: ${failure.meaning}`,
      `  How to resolve it: ${failure.resolution.join(' ')}`,
      `  Event ${failure.id}: ${failure.link}`,
      '',
    );
  }
  if (digest.dropped > 0) {
    lines.push(
      `${digest.dropped} earlier failure${digest.dropped === 1 ? ' is' : 's are'} not listed (more than ${MAX_PENDING} waited); the Writeback Logs have them all.`,
      '',
    );
  }
  lines.push(`Sent by pswb at ${digest.sentAt}.`);
  return lines.join('\n');
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The digest as simple HTML. */
export function digestHtml(digest: AlertDigest): string {
  const e = escapeHtml;
  const items = digest.failures.map(
    (failure) => `<li>
<p><strong>${e(failure.type)} ${e(failure.date)} ${e(failure.time)}</strong>: ${e(failure.student)}, ${e(failure.schoolName ?? 'school')} (${failure.school})</p>
<dl>
<dt>PowerSchool’s error</dt><dd>${failure.status !== null ? `HTTP ${failure.status}: ` : ''}${e(failure.message)}</dd>
<dt>What it means</dt><dd>${e(failure.meaning)}</dd>
<dt>How to resolve it</dt><dd><ul>${failure.resolution.map((step) => `<li>${e(step)}</li>`).join('')}</ul></dd>
</dl>
<p><a href="${e(failure.link)}">Open event ${e(failure.id)} on the Writeback Logs</a></p>
</li>`,
  );
  const dropped =
    digest.dropped > 0
      ? `<p>${digest.dropped} earlier failure${digest.dropped === 1 ? ' is' : 's are'} not listed (more than ${MAX_PENDING} waited); the Writeback Logs have them all.</p>`
      : '';
  return `<!doctype html><html><body>
<h1>${e(digestSubject(digest).replace(/^pswb: /, ''))}</h1>
<ol>${items.join('\n')}</ol>
${dropped}
<p>Sent by pswb at ${e(digest.sentAt)}.</p>
</body></html>`;
}

/**
 * nodemailer's SMTP options from the alerts' URL: smtps:// is TLS from the start, smtp:// takes
 * STARTTLS when the server offers it; user and password percent-decoded; every wait bounded.
 */
export function smtpOptions(smtpUrl: string, timeoutMs = SEND_TIMEOUT_MS) {
  const url = new URL(smtpUrl);
  const secure = url.protocol === 'smtps:';
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username || url.password
      ? {
          auth: {
            user: decodeURIComponent(url.username),
            pass: decodeURIComponent(url.password),
          },
        }
      : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
    logger: false,
    debug: false,
  };
}

/** Sends the digest by email (one message to all recipients). */
export async function sendEmail(
  alerts: AlertSettings,
  digest: AlertDigest,
  timeoutMs = SEND_TIMEOUT_MS,
): Promise<void> {
  const email = alerts.email;
  if (!email) throw new Error('no email configured');
  const transport = nodemailer.createTransport(smtpOptions(email.smtpUrl, timeoutMs));
  try {
    await transport.sendMail({
      from: email.from,
      to: email.to,
      subject: digestSubject(digest),
      textEncoding: 'quoted-printable',
      text: digestText(digest),
      html: digestHtml(digest),
    });
  } finally {
    transport.close();
  }
}

/** The webhook's signature header value for a raw body: sha256=<hex HMAC-SHA256>. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** POSTs the digest as JSON, signed; a non-2xx answer or a timeout is a failure. */
export async function sendWebhook(
  alerts: AlertSettings,
  digest: AlertDigest,
  timeoutMs = SEND_TIMEOUT_MS,
): Promise<void> {
  const webhook = alerts.webhook;
  if (!webhook) throw new Error('no webhook configured');
  const body = JSON.stringify({
    district: digest.district,
    failures: digest.failures,
    dropped: digest.dropped,
    sentAt: digest.sentAt,
    ...(digest.test ? { test: true } : {}),
  });
  const response = await fetch(webhook.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'pswb-alerts',
      'x-pswb-signature': signBody(body, webhook.secret),
      'x-pswb-timestamp': String(Math.floor(Date.parse(digest.sentAt) / 1000)),
    },
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  await response.arrayBuffer().catch(() => undefined);
  if (response.status < 200 || response.status > 299) {
    throw new Error(`the webhook answered HTTP ${response.status}`);
  }
}
