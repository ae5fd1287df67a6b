import { describe, expect, it } from 'vitest';
import { defaultPluginDefinition, type PluginDefinition } from '../../plugin/definition.ts';
import { PsHttpError } from '../../simulator/http/errors.ts';
import {
  assertQueryAccess,
  assertReadAccess,
  assertWriteAccess,
  grantedAccess,
} from '../../simulator/platform/access.ts';
import type { InstalledPlugin } from '../../simulator/sim-env.ts';

function pluginWith(definition: PluginDefinition = defaultPluginDefinition()): InstalledPlugin {
  return {
    id: 1,
    definition,
    enabled: true,
    v1AccessLevel: 'FULL',
    installedAt: '2025-10-03T00:00:00Z',
  };
}

function refusal(check: () => void): PsHttpError {
  try {
    check();
  } catch (error) {
    if (error instanceof PsHttpError) return error;
    throw error;
  }
  throw new Error('expected a PsHttpError, but the check passed');
}

describe('assertReadAccess (schema tables)', () => {
  it('passes columns the plugin requested, in any case', () => {
    const plugin = pluginWith();
    expect(() =>
      assertReadAccess(plugin, ['students.dcid', 'STUDENTS.ID', 'Students.Last_Name'], 'students'),
    ).not.toThrow();
  });

  it('answers 403 NoAccess with one entry per column the plugin did not request', () => {
    const error = refusal(() =>
      assertReadAccess(
        pluginWith(),
        ['students.dcid', 'students.ssn', 'STUDENTS.HOME_PHONE'],
        'students',
      ),
    );
    expect(error.status).toBe(403);
    expect(error.body).toEqual({
      message: 'At least one column lacks sufficient permission',
      errors: [
        { resource: 'students', field: 'students.ssn', code: 'NoAccess' },
        { resource: 'students', field: 'students.home_phone', code: 'NoAccess' },
      ],
    });
  });

  it('counts a FullAccess grant as readable', () => {
    expect(grantedAccess(pluginWith(), 'attendance.att_date')).toBe('FullAccess');
    expect(() =>
      assertReadAccess(pluginWith(), ['attendance.att_date'], 'attendance'),
    ).not.toThrow();
  });
});

describe('assertQueryAccess (PowerQueries)', () => {
  it('answers 403 "Validation Failed" naming each column not requested', () => {
    const error = refusal(() =>
      assertQueryAccess(
        pluginWith(),
        ['cc.id', 'teachers.email_addr'],
        'com.navigate360.attendance.schedule.student_periods',
      ),
    );
    expect(error.status).toBe(403);
    expect(error.body).toEqual({
      message: 'Validation Failed',
      errors: [
        {
          resource: 'com.navigate360.attendance.schedule.student_periods',
          field: 'teachers.email_addr',
          code: 'No access to the field',
        },
      ],
    });
  });
});

describe('assertWriteAccess (attendance writes)', () => {
  it('passes when every written field has FullAccess', () => {
    expect(() =>
      assertWriteAccess(pluginWith(), 'attendance', ['studentid', 'ATT_DATE', 'attendance.ccid']),
    ).not.toThrow();
  });

  it('answers 403 listing each field that has only ViewOnly or nothing', () => {
    const base = defaultPluginDefinition();
    const definition: PluginDefinition = {
      ...base,
      accessRequest: base.accessRequest.map((grant) =>
        grant.table === 'ATTENDANCE' && grant.field === 'ATT_COMMENT'
          ? { ...grant, access: 'ViewOnly' }
          : grant,
      ),
    };
    const error = refusal(() =>
      assertWriteAccess(pluginWith(definition), 'attendance', [
        'studentid',
        'att_comment',
        'att_interval',
      ]),
    );
    expect(error.status).toBe(403);
    expect(error.body).toEqual({
      message: 'Validation Failed',
      errors: [
        { resource: 'attendance', field: 'attendance.att_comment', code: 'No access to the field' },
        {
          resource: 'attendance',
          field: 'attendance.att_interval',
          code: 'No access to the field',
        },
      ],
    });
  });
});
