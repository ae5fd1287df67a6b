import { describe, expect, it } from 'vitest';
import { main } from '../../scripts/pswb.ts';
import { SCENARIOS, createReproContext } from '../../repro/index.ts';

async function pswb(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, {
    stdout: (text) => void (out += `${text}\n`),
    stderr: (text) => void (err += `${text}\n`),
  });
  return { code, out, err };
}

describe('pswb repro list', () => {
  it('lists every scenario with its title, the non-default PowerSchool version marked', async () => {
    const { code, out } = await pswb('repro', 'list');
    expect(code).toBe(0);
    for (const scenario of SCENARIOS) expect(out).toContain(`  ${scenario.name}  `);
    expect(out).toMatch(
      /v1-access-level +401 Unauthorized on PowerSchool 25\.2\+.*\[PowerSchool 25\.2\.0\.0\]/,
    );
  });

  it('marks the behaviours beyond the guide', async () => {
    const { out } = await pswb('repro', 'list');
    expect(out).toMatch(/teacher-mark-kept +Kept existing record: .*\[beyond the guide\]/);
    expect(out).toMatch(/return-to-school +Return to school: .*\[beyond the guide\]/);
    expect(out).not.toMatch(/missing-period .*\[beyond the guide\]/);
  });

  it('--json prints the catalogue as one object', async () => {
    const { code, out } = await pswb('repro', 'list', '--json');
    expect(code).toBe(0);
    const parsed = JSON.parse(out) as { scenarios: { name: string; troubleshootingId: string }[] };
    expect(parsed.scenarios.map((scenario) => scenario.name)).toEqual(SCENARIOS.map((s) => s.name));
  });
});

describe('pswb repro <name>', () => {
  it.each(['repro', 'repro list'])(
    '%s --help shows usage, every option with its default and an example',
    async (verb) => {
      const { code, out } = await pswb(...verb.split(' '), '--help');
      expect(code).toBe(0);
      expect(out).toMatch(/^Usage: pswb repro/);
      expect(out).toContain('--json');
      expect(out).toContain('(default: off)');
      expect(out).toMatch(/Examples?:\n {2}pswb repro/);
    },
  );

  it('tells the story in three steps and ends with the verdict, exit 0', async () => {
    const { code, out } = await pswb('repro', 'stale-code-year');
    expect(code).toBe(0);
    const sections = ['Setup: ', '1. The error', '2. The fix', '3. After the fix'];
    const positions = sections.map((section) => out.indexOf(section));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(out).toMatch(/Type +Student Name +Student PS ID +Date\/Time +Grade +Reason +Status/);
    expect(out).toMatch(/Late Check-in +Ava Thompson +1001 +2026-10-14 08:40 +3 +T +Failed/);
    expect(out).toContain(
      "PowerSchool's message (HTTP 400): Record Not Saved. : 35 doesn't match the term's year value: 36.",
    );
    expect(out).toContain(
      'Meaning: The connector is posting an attendance record with an outdated',
    );
    expect(out).toMatch(/Late Check-in +Ava Thompson +1001 +2026-10-14 08:40 +3 +T +Successful/);
    expect(out.trimEnd().split('\n').at(-1)).toBe('repro stale-code-year: reproduced and resolved');
  });

  it("tells a behaviour's story: the problem, the outcome not written, the verdict", async () => {
    const { code, out } = await pswb('repro', 'teacher-mark-kept');
    expect(code).toBe(0);
    expect(out).toContain('beyond the guide: Existing attendance: keep');
    expect(out).toContain('1. The problem');
    expect(out).toContain('Not written (Kept existing record): event vm-sofia-period-2');
    expect(out).toContain(
      "The troubleshooting entry: A teacher's mark was kept (existing attendance)",
    );
    expect(out.trimEnd().split('\n').at(-1)).toBe(
      'repro teacher-mark-kept: reproduced and resolved',
    );
  });

  it('--json prints one JSON object with both halves and the verdict', async () => {
    const { code, out } = await pswb('repro', 'v1-access-level', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(out) as {
      ok: boolean;
      verdict: string;
      failure: { subject: { powerSchoolMessage: string } };
      replay: { observed: { records: { status: string }[] } };
    };
    expect(report.ok).toBe(true);
    expect(report.verdict).toBe('repro v1-access-level: reproduced and resolved');
    expect(report.failure.subject.powerSchoolMessage).toBe(
      'Plugin is missing required accessLevelV1Api READ permission',
    );
    expect(report.replay.observed.records.map((record) => record.status)).toEqual(['successful']);
  });

  it('never prints a client secret, in text or JSON', async () => {
    const ctx = await createReproContext();
    const secret = ctx.sim.plugin!.clientSecret;
    await ctx.close();
    for (const flags of [[], ['--json']]) {
      const { code, out, err } = await pswb('repro', 'wrong-credentials', ...flags);
      expect(code).toBe(0);
      expect(out + err).not.toContain(secret);
      expect(out + err).not.toContain('typed-by-hand-with-a-typo');
    }
  });

  it('refuses an unknown scenario with exit 2, naming the valid ones', async () => {
    const { code, err } = await pswb('repro', 'period-missing');
    expect(code).toBe(2);
    expect(err).toContain('No repro scenario named "period-missing"');
    expect(err).toContain('Valid: missing-period, missing-period-dropped-class');
  });

  it('asks for a name with exit 2 when none is given', async () => {
    const { code, err } = await pswb('repro');
    expect(code).toBe(2);
    expect(err).toContain('name the scenario to run');
  });
});
