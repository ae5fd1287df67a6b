/**
 * `pswb alerts [set|clear|test]`: the district's failure alerts (connector/setup/alerts.ts; sent
 * by pswb serve, service/alerts.ts): shows them without secrets, sets them (a flag left out keeps
 * its saved value), clears them, or sends a test digest now. Each change is written to the audit
 * log, redacted, as made by `cli:<OS user>`. Wiring only.
 */
import {
  ALERT_INTERVAL,
  MAX_ALERT_RECIPIENTS,
  MIN_WEBHOOK_SECRET,
  alertsView,
  auditedAlerts,
  setAlertSettings,
  type AlertChange,
  type AlertsView,
} from '../../connector/index.ts';
import { AlertNotifier } from '../../service/alerts.ts';
import {
  CliError,
  UsageError,
  readProcessStdin,
  type CliIO,
  type Command,
} from '../cli/command.ts';
import { EXIT_CODES } from '../cli/report-error.ts';
import { parseOptions } from '../cli/parse-options.ts';
import {
  COMMON_HELP,
  COMMON_OPTIONS,
  actorOption,
  auditCliChange,
  toJson,
  withWorkspace,
} from './connector-options.ts';

function describe(view: AlertsView | null): string {
  if (!view) return 'Failure alerts: off (set them with pswb alerts set).';
  const lines = [
    `Failure alerts: on, at most one digest every ${view.intervalMinutes} minute${view.intervalMinutes === 1 ? '' : 's'}`,
    `  Email:    ${view.email ? `to ${view.email.to.join(', ')}, from ${view.email.from}, via ${view.email.smtpHost}` : 'none'}`,
    `  Webhook:  ${view.webhook ? `${view.webhook.url} (secret saved, never shown)` : 'none'}`,
    `  Links to: ${view.pageUrl ?? "pswb serve's own address"}/admin/logs?event=<id>`,
  ];
  return lines.join('\n');
}

const SHOW_OPTIONS = { 'data-dir': { type: 'string' }, json: { type: 'boolean' } } as const;

async function runShow(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, SHOW_OPTIONS);
  return withWorkspace(values['data-dir'], async (workspace) => {
    const view = alertsView(workspace.settings.get().alerts);
    io.stdout(values.json ? toJson({ alerts: view }) : describe(view));
    return 0;
  });
}

const SET_OPTIONS = {
  ...COMMON_OPTIONS,
  interval: { type: 'string' },
  'email-to': { type: 'string' },
  'email-from': { type: 'string' },
  smtp: { type: 'string' },
  webhook: { type: 'string' },
  'webhook-secret-stdin': { type: 'boolean' },
  'page-url': { type: 'string' },
} as const;

async function runSet(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, SET_OPTIONS);
  const change: AlertChange = {};
  if (values.interval !== undefined) {
    if (!/^\d+$/.test(values.interval.trim())) {
      throw new UsageError(
        `--interval "${values.interval}" is not a number of minutes: give ${ALERT_INTERVAL.min} to ${ALERT_INTERVAL.max}.`,
      );
    }
    change.intervalMinutes = Number(values.interval);
  }
  if (values['email-to'] !== undefined) {
    change.emailTo = values['email-to']
      .split(',')
      .map((address) => address.trim())
      .filter((address) => address !== '');
  }
  if (values['email-from'] !== undefined) change.emailFrom = values['email-from'];
  if (values.smtp !== undefined) change.smtpUrl = values.smtp;
  if (values.webhook !== undefined) change.webhookUrl = values.webhook;
  if (values['page-url'] !== undefined) change.pageUrl = values['page-url'];
  if (values['webhook-secret-stdin']) {
    const secret = (await (io.stdin ?? readProcessStdin)()).replace(/[\r\n]+$/, '');
    if (secret === '') {
      throw new UsageError(
        `--webhook-secret-stdin read no secret: pipe it in, e.g. openssl rand -hex 32 | pswb alerts set --webhook URL --webhook-secret-stdin`,
      );
    }
    change.webhookSecret = secret;
  }
  if (Object.keys(change).length === 0) {
    throw new UsageError(
      'say what to set: --interval, --email-to, --email-from, --smtp, --webhook, --webhook-secret-stdin or --page-url (pswb alerts set --help).',
    );
  }
  const actor = actorOption(values.as);
  return withWorkspace(values['data-dir'], async (workspace) => {
    const before = auditedAlerts(workspace.settings.get());
    const saved = await setAlertSettings(workspace.settings, actor, change);
    auditCliChange(workspace.store(), {
      action: 'settings.alerts',
      target: 'settings',
      before: { alerts: before },
      after: { alerts: auditedAlerts(saved) },
    });
    const view = alertsView(saved.alerts);
    io.stdout(values.json ? toJson({ alerts: view }) : describe(view));
    return 0;
  });
}

async function runClear(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, COMMON_OPTIONS);
  const actor = actorOption(values.as);
  return withWorkspace(values['data-dir'], async (workspace) => {
    const before = auditedAlerts(workspace.settings.get());
    await setAlertSettings(workspace.settings, actor, null);
    if (before !== null) {
      auditCliChange(workspace.store(), {
        action: 'settings.alerts',
        target: 'settings',
        before: { alerts: before },
        after: { alerts: null },
      });
    }
    io.stdout(values.json ? toJson({ alerts: null }) : describe(null));
    return 0;
  });
}

async function runTest(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseOptions(argv, SHOW_OPTIONS);
  return withWorkspace(values['data-dir'], async (workspace) => {
    const settings = workspace.settings.get();
    if (!settings.alerts) {
      throw new CliError(
        'No failure alerts are set: nothing to test.',
        EXIT_CODES.failures,
        'Set them first: pswb alerts set --email-to you@district.org --email-from pswb@district.org --smtp smtps://host:465',
      );
    }
    const notifier = new AlertNotifier({
      settings: () => settings,
      row: () => undefined,
      serviceUrl: () => 'http://127.0.0.1:8080',
    });
    const results = await notifier.sendTest();
    if (values.json) io.stdout(toJson({ results }));
    else {
      for (const result of results) {
        io.stdout(
          `${result.channel === 'email' ? 'Email' : 'Webhook'}: ${result.ok ? 'sent' : `not sent: ${result.error ?? 'failed'}`}`,
        );
      }
    }
    return results.every((result) => result.ok) ? 0 : EXIT_CODES.failures;
  });
}

const SET_HELP = `  --interval N              At most one digest per N minutes (${ALERT_INTERVAL.min}-${ALERT_INTERVAL.max}; default ${ALERT_INTERVAL.default})
  --email-to LIST           1-${MAX_ALERT_RECIPIENTS} addresses, comma-separated ("" turns the email off)
  --email-from ADDRESS      The sender, e.g. pswb@district.org
  --smtp URL                smtp://host:587 or smtps://user:password@host:465 (write-only;
                            percent-encode @ and : in the user and password)
  --webhook URL             https:// (http:// only for localhost); "" turns the webhook off
  --webhook-secret-stdin    Read the webhook's signing secret (${MIN_WEBHOOK_SECRET}+ characters) from stdin
  --page-url URL            The page's public address, for links ("" for pswb serve's own)`;

export const alertsCommand: Command = {
  name: 'alerts',
  help: `Usage: pswb alerts [--data-dir DIR] [--json]

Shows the district's failure alerts: the interval, the email digest's recipients, sender and
SMTP server, the webhook's URL and the page address links use. Never the SMTP password or the
webhook secret. Change them with pswb alerts set, turn them off with pswb alerts clear, check
them with pswb alerts test. pswb serve sends them (docs/service.md, "Failure alerts").

Options:
  --data-dir DIR     Where settings and the log live (default: $PSWB_DATA_DIR, else ./data)
  --json             Print JSON

Example:
  npx pswb alerts
`,
  run: runShow,
};

export const alertsSetCommand: Command = {
  name: 'alerts set',
  help: `Usage: pswb alerts set [options]

Sets the failure alerts (district admins): when writebacks fail, pswb serve sends at most one
digest per interval, by email and/or to a webhook signed with HMAC-SHA256 (X-Pswb-Signature),
each failure with PowerSchool's error, what it means, how to resolve it and a link to its row.
A flag left out keeps its saved value. The change is written to the audit log, redacted.
An SMTP password on the command line is seen by other users of this machine (ps): set it on the
Settings tab instead when that matters.

Options:
${SET_HELP}
${COMMON_HELP}

Examples:
  npx pswb alerts set --interval 15 --email-to office@district.org,it@district.org \\
    --email-from pswb@district.org --smtp smtps://pswb%40district.org:PASSWORD@smtp.district.org:465
  openssl rand -hex 32 | npx pswb alerts set --webhook https://hooks.district.org/pswb --webhook-secret-stdin
`,
  run: runSet,
};

export const alertsClearCommand: Command = {
  name: 'alerts clear',
  help: `Usage: pswb alerts clear [options]

Turns the failure alerts off (district admins): nothing more is sent. Written to the audit log.

Options:
${COMMON_HELP}

Example:
  npx pswb alerts clear
`,
  run: runClear,
};

export const alertsTestCommand: Command = {
  name: 'alerts test',
  help: `Usage: pswb alerts test [--data-dir DIR] [--json]

Sends a test digest with one sample failure now, to each configured channel, and says how each
went. Exits 1 when one was not sent.

Options:
  --data-dir DIR     Where settings and the log live (default: $PSWB_DATA_DIR, else ./data)
  --json             Print JSON

Example:
  npx pswb alerts test
`,
  run: runTest,
};
