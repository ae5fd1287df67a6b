/**
 * The drift test: the whole contract suite against the in-process simulator, for every version
 * profile. Every interaction must pass the same schemas the shipped fixtures pass; when one does
 * not, the simulator has drifted from the reference (fix the simulator, not the schema).
 */
import { describe, expect, it } from 'vitest';
import type { Facts, WriteMode } from '../../contract/facts.ts';
import { contractInteractions } from '../../contract/interactions.ts';
import { runContract, type RunResult } from '../../contract/runner.ts';
import { SUPPORTED_PS_VERSIONS } from '../../plugin/ps-version.ts';
import { DEMO_FACTS } from '../../simulator/seeds/demo-facts.ts';
import { startSimulator } from '../../simulator/server.ts';

async function runAgainstSimulator(
  psVersion: string,
  pinned: Partial<Facts>,
  writeMode?: WriteMode,
): Promise<RunResult> {
  const sim = await startSimulator({
    port: 0,
    seed: 'demo',
    psVersion,
    dataPath: null,
    log: () => {},
  });
  if (!sim.plugin) throw new Error('the simulator started without the plugin');
  try {
    return await runContract({
      baseUrl: sim.url,
      credentials: sim.plugin,
      interactions: contractInteractions(writeMode ? { writeMode } : {}),
      pinned,
      allowWrites: writeMode !== undefined,
    });
  } finally {
    await sim.close();
  }
}

/** The results that did not pass, as `name: problems` lines (readable when the test fails). */
function notPassed(run: RunResult): string[] {
  return run.results
    .filter((result) => result.outcome !== 'pass')
    .map((result) => `${result.outcome} ${result.name}: ${result.problems.join('; ')}`);
}

describe('drift: the simulator against the contract', () => {
  it.each(SUPPORTED_PS_VERSIONS)(
    'PowerSchool %s: every read-only interaction passes on a school day',
    async (psVersion) => {
      const run = await runAgainstSimulator(psVersion, { attDate: DEMO_FACTS.dates.inSession });
      expect(notPassed(run)).toEqual([]);
      expect(run.passed).toBe(run.results.length);
    },
  );

  const writeCases = [
    {
      mode: 'daily',
      student: DEMO_FACTS.students.daily,
      code: DEMO_FACTS.codes[101].current.tardy,
    },
    {
      mode: 'meeting',
      student: DEMO_FACTS.students.meeting,
      code: DEMO_FACTS.codes[103].current.tardy,
    },
  ] as const;

  it.each(writeCases)(
    'the $mode write check passes for the demo $mode student',
    async ({ mode, student, code }) => {
      const run = await runAgainstSimulator(
        '25.3.0',
        {
          attDate: DEMO_FACTS.dates.inSession,
          testStudentDcid: student.dcid,
          testSchoolNumber: String(student.schoolNumber),
          codeId: code,
        },
        mode,
      );
      expect(notPassed(run)).toEqual([]);
      expect(run.results.at(-1)).toMatchObject({ name: `write-${mode}`, outcome: 'pass' });
    },
  );
});
