import type { Verb } from '../cli/verb.ts';

/**
 * Every `pswb` verb, in the order `pswb --help` lists them, with its one-line summary. Each verb
 * lives in its own file under scripts/commands/ (loaded only when it runs, so `pswb --help`
 * starts fast) and only wires arguments to plugin/, simulator/ or connector/.
 */
export const VERBS: readonly Verb[] = [
  {
    name: 'demo',
    summary:
      'Start the simulator and pswb serve, post a demo day to its API, show the log (npm start)',
    load: async () => (await import('./demo.ts')).demoCommand,
  },
  {
    name: 'plugin build',
    summary: 'Build the Attendance Access plugin bundle (.zip + .sha256) for a PowerSchool version',
    load: async () => (await import('./plugin-build.ts')).pluginBuildCommand,
  },
  {
    name: 'plugin inspect',
    summary: 'Check any plugin bundle (.zip or plugin.xml) and show what it declares',
    load: async () => (await import('./plugin-inspect.ts')).pluginInspectCommand,
  },
  {
    name: 'sim start',
    summary: 'Start the PowerSchool simulator (prints one JSON ready line)',
    load: async () => (await import('./sim-start.ts')).simStartCommand,
  },
  {
    name: 'serve',
    summary:
      'Run the connector as a service: the ingest API, the admin page, the outbox worker, health',
    load: async () => (await import('./serve.ts')).serveCommand,
  },
  {
    name: 'keys create',
    summary: 'Make an API key for the ingest API (shown once), for the district or some buildings',
    load: async () => (await import('./keys.ts')).keysCreateCommand,
  },
  {
    name: 'keys list',
    summary: 'List the API keys: name, scope, last used, revoked',
    load: async () => (await import('./keys.ts')).keysListCommand,
  },
  {
    name: 'keys revoke',
    summary: 'Revoke an API key at once, also in a running pswb serve',
    load: async () => (await import('./keys.ts')).keysRevokeCommand,
  },
  {
    name: 'users add',
    summary: 'Add a user of the admin page (district admin, building admin, support)',
    load: async () => (await import('./users.ts')).usersAddCommand,
  },
  {
    name: 'users list',
    summary: "List the admin page's users: email, role, schools, last sign-in",
    load: async () => (await import('./users.ts')).usersListCommand,
  },
  {
    name: 'users remove',
    summary: 'Remove a user of the admin page and end their sessions',
    load: async () => (await import('./users.ts')).usersRemoveCommand,
  },
  {
    name: 'users reset-password',
    summary: "Set a user's password (a new random one shown once) and end their sessions",
    load: async () => (await import('./users.ts')).usersResetPasswordCommand,
  },
  {
    name: 'db migrate',
    summary: 'Bring a PostgreSQL database to the schema this pswb uses (--database URL)',
    load: async () => (await import('./db.ts')).dbMigrateCommand,
  },
  {
    name: 'db status',
    summary: "Show a PostgreSQL database's schema version and the migrations pending",
    load: async () => (await import('./db.ts')).dbStatusCommand,
  },
  {
    name: 'districts',
    summary: 'List the districts of a PostgreSQL database, their outbox and whether paused',
    load: async () => (await import('./districts.ts')).districtsListCommand,
  },
  {
    name: 'districts add',
    summary: "Add a district to a PostgreSQL database, with a data directory's settings",
    load: async () => (await import('./districts.ts')).districtsAddCommand,
  },
  {
    name: 'districts set',
    summary: "Change a district's name, settings or concurrency, or end its pause",
    load: async () => (await import('./districts.ts')).districtsSetCommand,
  },
  {
    name: 'connect',
    summary: 'Save the PowerSchool URL, Client ID and Secret after checking the connection',
    load: async () => (await import('./connect.ts')).connectCommand,
  },
  {
    name: 'worker',
    summary: "Write the districts' events from the PostgreSQL outbox (run as many as you like)",
    load: async () => (await import('./worker.ts')).workerCommand,
  },
  {
    name: 'schools',
    summary: "List the district's schools with writeback status and attendance mode",
    load: async () => (await import('./schools.ts')).schoolsCommand,
  },
  {
    name: 'schools set',
    summary: "Change schools' writeback status and attendance mode, or Prevent School Overrides",
    load: async () => (await import('./schools.ts')).schoolsSetCommand,
  },
  {
    name: 'schools behaviours',
    summary:
      "Show or change a school's behaviours beyond the guide (missed periods, teachers' marks, returns)",
    load: async () => (await import('./school-behaviours.ts')).schoolBehavioursCommand,
  },
  {
    name: 'comment-template',
    summary: 'Show or set the comment each PowerSchool record carries (the source stamp)',
    load: async () => (await import('./comment-template.ts')).commentTemplateCommand,
  },
  {
    name: 'alerts',
    summary: 'Show the failure alerts (email digest, signed webhook), without secrets',
    load: async () => (await import('./alerts.ts')).alertsCommand,
  },
  {
    name: 'alerts set',
    summary: 'Set the failure alerts: interval, email (SMTP), webhook (HMAC-signed), page URL',
    load: async () => (await import('./alerts.ts')).alertsSetCommand,
  },
  {
    name: 'alerts clear',
    summary: 'Turn the failure alerts off',
    load: async () => (await import('./alerts.ts')).alertsClearCommand,
  },
  {
    name: 'alerts test',
    summary: 'Send a test digest with one sample failure now, by each configured channel',
    load: async () => (await import('./alerts.ts')).alertsTestCommand,
  },
  {
    name: 'secrets status',
    summary: "Show where the secrets' key comes from and which secrets are sealed, never a secret",
    load: async () => (await import('./secrets.ts')).secretsStatusCommand,
  },
  {
    name: 'secrets rotate',
    summary: "Re-seal the settings' secrets (Client Secret, SMTP URL, webhook) under a new key",
    load: async () => (await import('./secrets.ts')).secretsRotateCommand,
  },
  {
    name: 'codes import',
    summary: "Import schools' PowerSchool attendance codes and map them as check-in/out reasons",
    load: async () => (await import('./codes-import.ts')).codesImportCommand,
  },
  {
    name: 'writeback send',
    summary: 'Send late check-ins / early check-outs to PowerSchool as attendance records',
    load: async () => (await import('./writeback-send.ts')).writebackSendCommand,
  },
  {
    name: 'writeback logs',
    summary: 'Show the writeback log, filtered by status, name, building and date',
    load: async () => (await import('./writeback-logs.ts')).writebackLogsCommand,
  },
  {
    name: 'writeback correct',
    summary: 'Correct a stored event (student, time, reason, type) and send it again',
    load: async () => (await import('./writeback-correct.ts')).writebackCorrectCommand,
  },
  {
    name: 'writeback cancel',
    summary: 'Cancel a stored event: remove what it wrote from PowerSchool',
    load: async () => (await import('./writeback-correct.ts')).writebackCancelCommand,
  },
  {
    name: 'writeback replay',
    summary: 'Re-send failed writebacks after a fix (re-resolving ids, periods and codes)',
    load: async () => (await import('./writeback-replay.ts')).writebackReplayCommand,
  },
  {
    name: 'writeback check',
    summary: 'Read back what was written: each record missing from PowerSchool or changed since',
    load: async () => (await import('./writeback-check.ts')).writebackCheckCommand,
  },

  {
    name: 'repro list',
    summary: 'List the repro scenarios, one per error in the guide',
    load: async () => (await import('./repro-list.ts')).reproListCommand,
  },
  {
    name: 'repro',
    summary: "Reproduce one of the guide's writeback errors, apply its fix and replay to success",
    load: async () => (await import('./repro.ts')).reproCommand,
  },
  {
    name: 'contract',
    summary: 'Check PowerSchool (or the simulator) against the contract the connector relies on',
    load: async () => (await import('../contract.ts')).createContractCommand(),
  },
];
