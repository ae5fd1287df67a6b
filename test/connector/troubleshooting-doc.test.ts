import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { PLUGIN_ERROR_CODES } from '../../plugin/plugin-error.ts';
import { SIMULATOR_ERROR_CODES } from '../../simulator/simulator-error.ts';
import { generatedDocs } from '../../scripts/generate-docs.ts';
import {
  CONNECTOR_ERROR_CODES,
  TROUBLESHOOTING,
  explainFailure,
  renderTroubleshootingMarkdown,
} from '../../connector/index.ts';

describe('troubleshooting catalogue', () => {
  it('docs/troubleshooting.md is the catalogue rendered (run npm run docs after a change)', async () => {
    const committed = await readFile(
      new URL('../../docs/troubleshooting.md', import.meta.url),
      'utf8',
    );
    expect(committed).toBe(generatedDocs()['docs/troubleshooting.md']);
    expect(committed.startsWith(renderTroubleshootingMarkdown())).toBe(true);
  });

  it('lists every connector and plugin failure code with its fix', async () => {
    const committed = await readFile(
      new URL('../../docs/troubleshooting.md', import.meta.url),
      'utf8',
    );
    for (const code of [
      ...CONNECTOR_ERROR_CODES,
      ...PLUGIN_ERROR_CODES,
      ...SIMULATOR_ERROR_CODES,
    ]) {
      expect(committed).toMatch(new RegExp(`^\\| \`${code}\` \\|`, 'm'));
    }
  });

  it.each([
    ["Could not find student's period.", {}, 'student_period_not_found'],
    ["Could not find student's PowerSchool id.", {}, 'student_id_not_found'],
    [
      'Client error: `POST x` resulted in a `400 Bad Request` response: {"message":"Record Not Saved. : 7 doesn\'t match the term\'s year value: 3600."}',
      { status: 400 },
      'code_year_mismatch',
    ],
    [
      'Client error: `POST x` resulted in a `400 Bad Request` response: {"message":"Record Not Saved. : The student Noah Bennett isn\'t enrolled on 10/5/2026."}',
      { status: 400 },
      'student_not_enrolled',
    ],
    [
      'Client error: `POST x` resulted in a `400 Bad Request` response: {"message":"You have ATT_ModeMeeting set as the method to use for this school"}',
      { status: 400 },
      'attendance_mode_mismatch',
    ],
    [
      'Client error: `POST x` resulted in a `401 Unauthorized` response',
      { status: 401 },
      'unauthorized',
    ],
    [
      'Server error: `POST x` resulted in a `503 Service Unavailable` response',
      { status: 503 },
      'server_error',
    ],
    [
      'Client error: `POST x` resulted in a `429 Too Many Requests` response',
      { status: 429 },
      'rate_limited',
    ],
    ['Connection error: `POST x` did not answer in time', { code: 'timeout' }, 'timeout'],
    [
      'Connection error: `POST x` could not be reached: ECONNREFUSED',
      { code: 'network' },
      'unreachable',
    ],
    ['Writeback is disabled for school 101', { code: 'school_disabled' }, 'school_disabled'],
    ['something new', { status: 400 }, 'other'],
  ])('explains "%s"', (message, facts, id) => {
    expect(explainFailure({ message, ...facts }).id).toBe(id);
  });

  it('gives every entry a meaning, at least one cause and one fix, and unique ids', () => {
    const ids = TROUBLESHOOTING.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const entry of TROUBLESHOOTING) {
      expect(entry.meaning.length).toBeGreaterThan(20);
      expect(entry.causes.length).toBeGreaterThan(0);
      expect(entry.resolution.length).toBeGreaterThan(0);
      // Entries recognised by their text must recognise their own example.
      if (entry.source === 'guide' && entry.kind !== 'connector' && entry.id !== 'other') {
        expect(entry.matches({ message: entry.example })).toBe(true);
      }
    }
  });
});
