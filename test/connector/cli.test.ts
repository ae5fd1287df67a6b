import { createHmac } from 'node:crypto';
import { mkdtemp, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../connector/index.ts';
import { main } from '../../scripts/pswb.ts';
import type { RunningSimulator } from '../../simulator/server.ts';
import { DEMO_FACTS, newYorkTime, startDemoSimulator } from './support/simulator.ts';

let sim: RunningSimulator;
let dataDir: string;

async function pswb(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main([...argv, ...(argv.includes('--help') ? [] : ['--data-dir', dataDir])], {
    stdout: (text) => void (out += `${text}\n`),
    stderr: (text) => void (err += `${text}\n`),
  });
  return { code, out, err };
}

async function pswbWithStdin(
  stdin: string,
  ...argv: string[]
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main([...argv, '--data-dir', dataDir], {
    stdout: (text) => void (out += `${text}\n`),
    stderr: (text) => void (err += `${text}\n`),
    stdin: () => Promise.resolve(stdin),
  });
  return { code, out, err };
}

beforeAll(async () => {
  // The CLI uses the real clock: import codes for a date given explicitly.
  sim = await startDemoSimulator();
  dataDir = await mkdtemp(join(tmpdir(), 'pswb-cli-'));
});
afterAll(async () => {
  delete process.env.PSWB_CLIENT_SECRET;
  await sim?.close();
});

const VERBS = [
  'alerts',
  'alerts set',
  'alerts clear',
  'alerts test',
  'connect',
  'schools',
  'schools set',
  'schools behaviours',
  'codes import',
  'writeback send',
  'writeback logs',
  'writeback replay',
  'writeback correct',
  'writeback cancel',
];

describe('pswb connector verbs', () => {
  it.each(VERBS)('%s --help shows usage, options with defaults and an example', async (verb) => {
    const { code, out } = await pswb(...verb.split(' '), '--help');
    expect(code).toBe(0);
    expect(out).toMatch(/^Usage: pswb /);
    expect(out).toContain('--data-dir');
    expect(out).toMatch(/Examples?:/);
  });

  it("connect refuses a URL with /admin, quoting the guide's examples", async () => {
    const { code, err } = await pswb(
      'connect',
      '--url',
      `${sim.url}/admin`,
      '--client-id',
      'x',
      '--client-secret',
      'y',
    );
    expect(code).toBe(3);
    expect(err).toContain('without /admin');
    expect(err).toContain('[invalid_settings]');
    expect(err).toMatch(/\n {2}Fix: /);
    expect(err).toContain('Correct: "https://sample-district.powerschool.com"');
  });

  it('connect checks, saves (file 0600) and never prints the secret', async () => {
    process.env.PSWB_CLIENT_SECRET = sim.plugin!.clientSecret;
    const { code, out, err } = await pswb(
      'connect',
      '--url',
      sim.url,
      '--client-id',
      sim.plugin!.clientId,
    );
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('Saved and applied to all schools (3 school(s))');
    expect(out + err).not.toContain(sim.plugin!.clientSecret);
    expect((await stat(join(dataDir, 'connector-settings.json'))).mode & 0o777).toBe(0o600);
    const json = await pswb('connect', '--json');
    expect(json.code).toBe(0);
    expect(json.out).not.toContain(sim.plugin!.clientSecret);
    expect(JSON.parse(json.out).settings.connection.clientSecret).toBe('********');
  });

  it('schools set saves modes; a bad mode lists the valid ones', async () => {
    const bad = await pswb('schools', 'set', '--school', '101', '--mode', 'hourly');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('Valid: daily, time, meeting, none');
    for (const [school, mode] of [
      ['101', 'daily'],
      ['102', 'time'],
      ['103', 'meeting'],
    ]) {
      expect((await pswb('schools', 'set', '--school', school!, '--mode', mode!)).code).toBe(0);
    }
    const list = await pswb('schools', '--offline');
    expect(list.out).toMatch(/101\s+Maple Grove Elementary School\s+Enabled\s+Daily/);
  });

  it('schools set refuses a building admin while Prevent School Overrides is on, saying why', async () => {
    expect((await pswb('schools', 'set', '--prevent-overrides', 'on')).code).toBe(0);
    const refused = await pswb(
      'schools',
      'set',
      '--school',
      '101',
      '--status',
      'disabled',
      '--as',
      'building:101',
    );
    expect(refused.code).toBe(3);
    expect(refused.err).toContain('Prevent School Overrides turned on');
    expect((await pswb('schools', 'set', '--prevent-overrides', 'off')).code).toBe(0);
  });

  it('codes import maps the chosen codes for the current year', async () => {
    const { code, out } = await pswb(
      'codes',
      'import',
      '--school',
      '101,102,103',
      '--late',
      'T,TE',
      '--early',
      'ED,EDE',
      '--date',
      DEMO_FACTS.dates.inSession,
    );
    expect(code).toBe(0);
    expect(out).toContain('School 101: 6 code(s) for 2026-2027 (yearid 36)');
    expect(out).toContain('Late Check-in reasons:   T, TE');
  });

  it("writeback send writes one event, prints one summary line, and the guide's columns with --details", async () => {
    const s = DEMO_FACTS.students.daily;
    const args = [
      'writeback',
      'send',
      '--type',
      'Late_Checkin',
      '--dcid',
      String(s.dcid),
      '--name',
      'Ava Thompson',
      '--grade',
      '3',
      '--school',
      '101',
      '--at',
      newYorkTime(DEMO_FACTS.dates.inSession, 30_000),
      '--reason',
      'T',
      '--id',
      'cli-1',
    ];
    const { code, out } = await pswb(...args);
    expect(code).toBe(0);
    expect(out).toBe(
      '1 event(s): 1 successful, 0 failed, 0 not attempted (1 new, 0 accepted before).\n',
    );
    const again = await pswb(...args, '--details');
    expect(again.code).toBe(0);
    expect(again.out).toContain('(0 new, 1 accepted before)');
    expect(again.out).toMatch(
      /Type\s+Student Name\s+Student PS ID\s+Date\/Time\s+Grade\s+Reason\s+Status/,
    );
    expect(again.out).toMatch(
      /Late Check-in\s+Ava Thompson\s+1001\s+2026-10-14 08:20\s+3\s+T\s+Successful/,
    );
  });

  it('writeback send --dry-run prints the record it would post, and posts and stores nothing', async () => {
    const { daily } = DEMO_FACTS.students;
    const flags = [
      'writeback',
      'send',
      '--dry-run',
      '--type',
      'late_checkin',
      '--dcid',
      String(daily.dcid),
      '--name',
      `${daily.firstName} ${daily.lastName}`,
      '--school',
      String(daily.schoolNumber),
      '--at',
      newYorkTime(DEMO_FACTS.dates.inSession, 10 * 3600),
      '--reason',
      'T',
      '--id',
      'cli-dry-run',
    ];
    const before = sim.district.attendanceOn(daily.id, DEMO_FACTS.dates.inSession).length;
    const { code, out } = await pswb(...flags);
    expect(code).toBe(0);
    expect(out).toContain(
      'Dry run: nothing was posted to PowerSchool or stored. 1 event(s): 1 would be written',
    );
    expect(out).toContain('cli-dry-run: would POST /ws/attendance/daily_time');
    expect(sim.district.attendanceOn(daily.id, DEMO_FACTS.dates.inSession)).toHaveLength(before);
    const logs = await pswb('writeback', 'logs', '--event', 'cli-dry-run');
    expect(logs.code).not.toBe(0);
    const json = await pswb(...flags, '--json');
    expect(JSON.parse(json.out)[0]).toMatchObject({ id: 'cli-dry-run', outcome: 'would_write' });
    const failing = await pswb(
      ...flags.map((flag) => (flag === String(daily.dcid) ? '999999' : flag)),
    );
    expect(failing.code).toBe(1);
    expect(failing.out).toContain("would fail: Could not find student's PowerSchool id.");
  });

  it('comment-template sets, shows and clears the source stamp; refuses a bad one naming the valid ones', async () => {
    const set = await pswb('comment-template', 'VM {type} {time} by front office');
    expect(set.code).toBe(0);
    expect(set.out).toContain('Comment template: VM {type} {time} by front office');
    expect(JSON.parse((await pswb('comment-template', '--json')).out)).toEqual({
      commentTemplate: 'VM {type} {time} by front office',
    });
    const bad = await pswb('comment-template', 'VM {kind}');
    expect(bad.code).toBe(3);
    expect(bad.err).toContain('Valid: {type}, {date}, {time}, {reason}, {school}, {comment}');
    const building = await pswb('comment-template', 'x', '--as', 'building:101');
    expect(building.code).toBe(3);
    expect(building.err).toContain('Only a district admin can change the comment template');
    const cleared = await pswb('comment-template', '--clear');
    expect(cleared.out).toContain('Comment template: none');
  });

  it('schools behaviours shows the defaults, changes only what is given, refuses a bad code, audits', async () => {
    const shown = await pswb('schools', 'behaviours', '--school', '103');
    expect(shown.code).toBe(0);
    expect(shown.out).toContain('Existing attendance: Overwrite it (the guide)');
    const set = await pswb(
      'schools',
      'behaviours',
      '--school',
      '103',
      '--missed-before',
      'a',
      '--existing',
      'keep',
    );
    expect(set.code).toBe(0);
    expect(set.out).toContain('Periods missed before a late check-in (Meeting): A');
    expect(set.out).toContain("Existing attendance: Keep the teacher's mark");
    const json = JSON.parse((await pswb('schools', 'behaviours', '--school', '103', '--json')).out);
    expect(json.behaviours).toMatchObject({
      missedBefore: 'A',
      existing: 'keep',
      returnToSchool: 'separate',
    });
    const bad = await pswb('schools', 'behaviours', '--school', '103', '--return-code', 'ZZ');
    expect(bad.code).toBe(3);
    expect(bad.err).toContain('"ZZ" is not one of school 103\'s attendance codes');
    const choice = await pswb('schools', 'behaviours', '--school', '103', '--existing', 'maybe');
    expect(choice.code).toBe(2);
    expect(choice.err).toContain('overwrite, keep, overwrite_listed');
    const reset = await pswb(
      'schools',
      'behaviours',
      '--school',
      '103',
      '--missed-before',
      'current',
      '--existing',
      'overwrite',
    );
    expect(reset.out).toContain('current period only (the guide)');
    const workspace = await openWorkspace({ dataDir });
    const entry = workspace
      .store()
      .audit.list()
      .find((e) => e.action === 'school.behaviours');
    workspace.close();
    expect(entry).toMatchObject({ target: 'school 103' });
  });

  it('writeback check reads back what was written, lists a deleted record, and --resend-missing writes it again', async () => {
    const day = DEMO_FACTS.dates.inSession;
    const { daily } = DEMO_FACTS.students;
    const clean = await pswb('writeback', 'check', '--from', day, '--to', day);
    expect(clean.code).toBe(0);
    expect(clean.out).toMatch(/Checked \d+ record\(s\) written .* 0 missing, 0 changed\./);
    const attendance = sim.district.table('attendance');
    for (const row of sim.district.attendanceOn(daily.id, day)) attendance.remove(row);
    const missing = await pswb('writeback', 'check', '--from', day, '--to', day);
    expect(missing.code).toBe(1);
    expect(missing.out).toContain('Missing:');
    expect(missing.out).toContain('not in PowerSchool');
    const fixed = await pswb('writeback', 'check', '--from', day, '--to', day, '--resend-missing');
    expect(fixed.out).toContain('Sent again:');
    expect(fixed.code).toBe(0);
    expect(sim.district.attendanceOn(daily.id, day)).toHaveLength(1);
    const usage = await pswb('writeback', 'check', '--from', day);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('--from YYYY-MM-DD --to YYYY-MM-DD');
  });

  it('alerts sets, shows, tests and clears the failure alerts; secrets are never printed or audited', async () => {
    const secret = 'cli-webhook-secret-0123456789';
    const password = 'cli-smtp-pa55word';
    const received: { signature: string; body: string }[] = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        received.push({ signature: String(request.headers['x-pswb-signature']), body });
        response.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    try {
      expect((await pswb('alerts')).out).toContain('Failure alerts: off');
      const bad = await pswb('alerts', 'set', '--interval', '0', '--webhook', hookUrl);
      expect(bad.code).toBe(3);
      expect(bad.err).toContain('from 1 to 1440');
      const building = await pswb('alerts', 'set', '--interval', '5', '--as', 'building:101');
      expect(building.code).toBe(3);
      expect(building.err).toContain('Only a district admin can change the failure alerts');
      const noSecret = await pswb('alerts', 'set', '--webhook', hookUrl);
      expect(noSecret.code).toBe(3);
      expect(noSecret.err).toContain('needs a secret');

      const set = await pswbWithStdin(
        `${secret}\n`,
        ...['alerts', 'set', '--interval', '10', '--webhook', hookUrl, '--webhook-secret-stdin'],
        ...['--email-to', 'office@district.org', '--email-from', 'pswb@district.org'],
        ...['--smtp', `smtp://pswb:${password}@127.0.0.1:1`, '--json'],
      );
      expect(set.code).toBe(0);
      expect(JSON.parse(set.out)).toEqual({
        alerts: {
          intervalMinutes: 10,
          email: {
            to: ['office@district.org'],
            from: 'pswb@district.org',
            smtpHost: 'smtp://127.0.0.1:1',
          },
          webhook: { url: hookUrl },
          pageUrl: null,
        },
      });
      const shown = await pswb('alerts');
      expect(shown.out).toContain('at most one digest every 10 minutes');
      expect(shown.out).toContain(`${hookUrl} (secret saved, never shown)`);

      // The test digest: the webhook gets it, signed; the email's server is not there (exit 1).
      const tested = await pswb('alerts', 'test');
      expect(tested.code).toBe(1);
      expect(tested.out).toContain('Webhook: sent');
      expect(tested.out).toMatch(/Email: not sent: /);
      expect(received).toHaveLength(1);
      const expected = createHmac('sha256', secret).update(received[0]!.body).digest('hex');
      expect(received[0]!.signature).toBe(`sha256=${expected}`);

      const cleared = await pswb('alerts', 'clear');
      expect(cleared.out).toContain('Failure alerts: off');

      const workspace = await openWorkspace({ dataDir });
      const entries = workspace
        .store()
        .audit.list({ limit: 5 })
        .filter((entry) => entry.action === 'settings.alerts');
      workspace.close();
      expect(entries).toHaveLength(2);
      expect(entries[0]!.actor).toMatch(/^cli/);
      const everything = JSON.stringify([entries, set, shown, tested, cleared]);
      expect(everything).not.toContain(secret);
      expect(everything).not.toContain(password);
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });

  it('writeback correct removes what the event wrote and sends the correction; cancel removes it; both audited', async () => {
    const { time } = DEMO_FACTS.students;
    const day = DEMO_FACTS.dates.inSessionBDay;
    const sent = await pswb(
      'writeback',
      'send',
      '--type',
      'late_checkin',
      '--dcid',
      String(time.dcid),
      '--name',
      `${time.firstName} ${time.lastName}`,
      '--school',
      String(time.schoolNumber),
      '--at',
      newYorkTime(day, 9 * 3600),
      '--reason',
      'T',
      '--id',
      'cli-fix',
    );
    expect(sent.code).toBe(0);
    const [before] = sim.district.attendanceOn(time.id, day);
    const usage = await pswb('writeback', 'correct', 'cli-fix');
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('give what to correct');
    const fixed = await pswb(
      'writeback',
      'correct',
      'cli-fix',
      '--at',
      newYorkTime(day, 10 * 3600),
    );
    expect(fixed.code).toBe(0);
    expect(fixed.out).toContain(
      `Corrected event cli-fix. Removed from PowerSchool: Time record: ${before!.total_minutes} minutes of T.`,
    );
    expect(fixed.out).toContain('Sent again: Successful.');
    const rows = sim.district.attendanceOn(time.id, day);
    expect(rows.map((row) => Number(row.total_minutes))).toEqual([
      Number(before!.total_minutes) + 60,
    ]);
    const history = await pswb('writeback', 'logs', '--event', 'cli-fix');
    expect(history.out).toContain('Earlier versions (1):');
    expect(history.out).toMatch(/v1 .*09:00 +T +successful +corrected by cli/);
    const cancelled = await pswb('writeback', 'cancel', 'cli-fix');
    expect(cancelled.code).toBe(0);
    expect(cancelled.out).toMatch(
      /^Cancelled event cli-fix\. Removed from PowerSchool: Time record/,
    );
    expect(sim.district.attendanceOn(time.id, day)).toHaveLength(0);
    const again = await pswb('writeback', 'cancel', 'cli-fix');
    expect(again.code).toBe(3);
    expect(again.err).toContain('already cancelled');
    const workspace = await openWorkspace({ dataDir });
    const actions = workspace
      .store()
      .audit.list()
      .filter((entry) => entry.target === 'event cli-fix')
      .map((entry) => entry.action);
    workspace.close();
    expect(actions.sort()).toEqual(['event.cancel', 'event.correct']);
  });

  it('writeback send rejects a bad --type listing the valid values', async () => {
    const { code, err } = await pswb(
      'writeback',
      'send',
      '--type',
      'late',
      '--dcid',
      '1',
      '--name',
      'x',
      '--school',
      '101',
      '--at',
      '2026-10-14T08:00:00Z',
      '--reason',
      'T',
    );
    expect(code).toBe(2);
    expect(err).toContain('Valid: late_checkin, early_checkout');
  });

  it.each([
    ['writeback', 'logs', '--from', '2026-02-30'],
    ['writeback', 'logs', '--to', '10/14/2026'],
    ['codes', 'import', '--school', '101', '--date', '2026-13-01'],
  ])('%s %s refuses a date that is not on the calendar (%s %s)', async (...argv) => {
    const { code, err } = await pswb(...argv);
    expect(code).toBe(2);
    expect(err).toMatch(/must be a calendar date, YYYY-MM-DD; got "[^"]+"/);
  });

  it('writeback logs --details explains a failure; --json keeps the whole error', async () => {
    const failing = await pswb(
      'writeback',
      'send',
      '--type',
      'late_checkin',
      '--dcid',
      String(DEMO_FACTS.unknownDcid),
      '--name',
      'Nobody Known',
      '--school',
      '101',
      '--at',
      newYorkTime(DEMO_FACTS.dates.inSession, 30_000),
      '--reason',
      'T',
      '--id',
      'cli-2',
    );
    expect(failing.code).toBe(1);
    const details = await pswb('writeback', 'logs', '--status', 'failed', '--details');
    expect(details.out).toContain("Error: Could not find student's PowerSchool id.");
    expect(details.out).toContain('Meaning: PowerSchool could not locate a valid ID');
    const json = JSON.parse((await pswb('writeback', 'logs', '--search', 'nobody', '--json')).out);
    expect(json.total).toBe(1);
    expect(json.records[0].error.troubleshootingId).toBe('student_id_not_found');
    const bad = await pswb('writeback', 'logs', '--status', 'done');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('Valid: all, pending, sending, successful, failed, not_attempted');
  });

  it('writeback replay re-sends failed events and reports what happened', async () => {
    const { code, out } = await pswb('writeback', 'replay', '--search', 'nobody');
    expect(code).toBe(1);
    expect(out).toContain('Replayed 1 event(s): 0 successful, 1 failed');
    const history = JSON.parse((await pswb('writeback', 'logs', '--event', 'cli-2', '--json')).out);
    expect(history.record.runs).toBe(2);
    expect(new Set(history.attempts.map((attempt: { run: number }) => attempt.run))).toEqual(
      new Set([1, 2]),
    );
  });

  it("a building admin reading another building's log is told why", async () => {
    const { code, err } = await pswb(
      'writeback',
      'logs',
      '--school',
      '102',
      '--as',
      'building:101',
    );
    expect(code).toBe(3);
    expect(err).toContain('School 102 is not assigned to you');
  });

  it('writes every settings change made above to the audit log, as cli:<user>, secret redacted', async () => {
    const workspace = await openWorkspace({ dataDir });
    try {
      const entries = workspace.store().audit.list({ limit: 500 });
      const actions = new Set(entries.map((entry) => entry.action));
      for (const action of [
        'settings.save',
        'school.update',
        'settings.prevent_school_overrides',
        'reasons.import',
        'settings.comment_template',
      ]) {
        expect(actions, action).toContain(action);
      }
      expect(entries.every((entry) => entry.actor.startsWith('cli'))).toBe(true);
      const saved = entries.find((entry) => entry.action === 'settings.save')!;
      expect(JSON.stringify(saved)).not.toContain(sim.plugin!.clientSecret);
      // A refused change (the building admin above) wrote nothing more than the changes made.
      const overrides = entries.filter(
        (entry) => entry.action === 'settings.prevent_school_overrides',
      );
      expect(
        overrides.map(
          (entry) => (entry.after as { preventSchoolOverrides: boolean }).preventSchoolOverrides,
        ),
      ).toEqual([false, true]);
    } finally {
      workspace.close();
    }
  });
});
