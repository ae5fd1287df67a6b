import { describe, expect, it } from 'vitest';
import { defaultPluginDefinition } from '../../plugin/definition.ts';
import { SUPPORTED_PS_VERSIONS } from '../../plugin/ps-version.ts';
import { formatFindings } from '../../plugin/finding.ts';
import { PsVersionError } from '../../plugin/ps-version.ts';
import { validatePluginDefinition } from '../../plugin/validate.ts';
import {
  field,
  findExpectedFinding,
  publisher,
  withPlugin,
  type ValidationCase,
} from './definition-fixtures.ts';

const pluginCases: ValidationCase[] = [
  {
    label: 'an empty name',
    definition: withPlugin({ name: '' }),
    level: 'refusal',
    rule: 'plugin.attributes',
    where: 'plugin@name',
    message: /name is empty; PowerSchool requires 1 to 40 characters/,
  },
  {
    label: 'a 41-character name',
    definition: withPlugin({ name: 'x'.repeat(41) }),
    level: 'refusal',
    rule: 'plugin.attributes',
    where: 'plugin@name',
    message: /name is 41 characters; PowerSchool allows 1 to 40 characters/,
  },
  {
    label: 'a 21-character version',
    definition: withPlugin({ version: '1'.repeat(21) }),
    level: 'refusal',
    rule: 'plugin.attributes',
    where: 'plugin@version',
    message: /at most 20 characters/,
  },
  {
    label: 'a 257-character description',
    definition: withPlugin({ description: 'd'.repeat(257) }),
    level: 'refusal',
    rule: 'plugin.attributes',
    where: 'plugin@description',
    message: /257 characters; PowerSchool allows at most 256/,
  },
  {
    label: 'a control character',
    definition: withPlugin({ description: 'bell\u0007' }),
    level: 'refusal',
    rule: 'plugin.attributes',
    where: 'plugin@description',
    message: /U\+0007 .* XML 1\.0 cannot carry/,
  },
  {
    label: 'an unknown access value',
    definition: withPlugin({ accessRequest: [field('STUDENTS', 'DCID', 'Read')] }),
    level: 'refusal',
    rule: 'access-request.field',
    where: 'access_request/field[0]@access',
    message: /"Read"; valid values: ViewOnly, FullAccess/,
  },
  {
    label: 'a miscased access value',
    definition: withPlugin({ accessRequest: [field('STUDENTS', 'DCID', 'viewonly')] }),
    level: 'refusal',
    rule: 'access-request.field',
    where: 'access_request/field[0]@access',
    message: /case-sensitive: write ViewOnly/,
  },
  {
    label: 'a 31-character table',
    definition: withPlugin({ accessRequest: [field('T'.repeat(31), 'DCID')] }),
    level: 'refusal',
    rule: 'access-request.field',
    where: 'access_request/field[0]@table',
    message: /31 characters; PowerSchool allows 1 to 30/,
  },
  {
    label: 'a field name with a space',
    definition: withPlugin({ accessRequest: [field('STUDENTS', 'LAST NAME')] }),
    level: 'warning',
    rule: 'access-request.name-form',
    where: 'access_request/field[0]@field',
    message: /does not look like a PowerSchool table or column name/,
  },
  {
    label: 'a table/field pair twice (any case)',
    definition: withPlugin({
      accessRequest: [field('STUDENTS', 'DCID'), field('students', 'dcid', 'FullAccess')],
    }),
    level: 'warning',
    rule: 'access-request.duplicate',
    where: 'access_request/field[1]',
    message: /STUDENTS\.DCID is requested again \(first at access_request\/field\[0\]\)/,
  },
  {
    label: 'an unknown v1 access level',
    definition: withPlugin({ oauth: { accessLevelV1Api: 'ALL' as 'FULL' } }),
    level: 'refusal',
    rule: 'oauth.v1-level',
    where: 'oauth@accessLevelV1Api',
    message: /valid values: NONE, READ, FULL/,
  },
  {
    label: 'accessLevelV1Api for 24.11',
    definition: withPlugin({ oauth: { accessLevelV1Api: 'FULL' } }),
    psVersion: '24.11.0.0',
    level: 'refusal',
    rule: 'oauth.v1-level',
    where: 'oauth@accessLevelV1Api',
    message: /PowerSchool 24\.11\.0\.0 rejects accessLevelV1Api \(only 25\.2\.0\.0 and later/,
  },
  {
    label: 'accessLevelV1Api for 25.1.9.9',
    definition: withPlugin({ oauth: { accessLevelV1Api: 'READ' } }),
    psVersion: '25.1.9.9',
    level: 'refusal',
    rule: 'oauth.v1-level',
    where: 'oauth@accessLevelV1Api',
    message: /rejects accessLevelV1Api/,
  },
  {
    label: 'cdn_request before 21.11',
    definition: withPlugin({ oauth: {}, cdnRequest: ['https://cdn.example.com'] }),
    psVersion: '21.10.0.0',
    level: 'refusal',
    rule: 'access-request.cdn',
    where: 'access_request/cdn_request',
    message: /does not know cdn_request \(it arrived in 21\.11\.0\.0\)/,
  },
  {
    label: 'a 51-character cdn host before 23.1',
    definition: withPlugin({ oauth: {}, cdnRequest: [`https://${'c'.repeat(43)}`] }),
    psVersion: '22.11.0.0',
    level: 'refusal',
    rule: 'access-request.cdn',
    where: 'access_request/cdn_request/cdn[0]@name',
    message: /51 characters; PowerSchool allows 1 to 50/,
  },
  {
    label: 'an empty publisher name',
    definition: withPlugin({ publisher: publisher('a@b.c', '') }),
    level: 'refusal',
    rule: 'publisher.contact',
    where: 'publisher@name',
    message: /publisher name is empty; PowerSchool requires 1 to 100/,
  },
  {
    label: 'a 41-character email',
    definition: withPlugin({ publisher: publisher(`${'e'.repeat(35)}@x.com`) }),
    level: 'refusal',
    rule: 'publisher.contact',
    where: 'publisher/contact@email',
    message: /41 characters; PowerSchool allows 1 to 40/,
  },
  {
    label: 'a 21-character phone',
    definition: withPlugin({ publisher: publisher('a@b.c', 'P', '5'.repeat(21)) }),
    level: 'refusal',
    rule: 'publisher.contact',
    where: 'publisher/contact@phone',
    message: /at most 20 characters/,
  },
];

describe('validatePluginDefinition: plugin.xml rules', () => {
  it.each(SUPPORTED_PS_VERSIONS)(
    'accepts the default definition for PowerSchool %s',
    (psVersion) => {
      expect(
        validatePluginDefinition(defaultPluginDefinition({ psVersion }), { psVersion }),
      ).toEqual([]);
    },
  );

  it.each(pluginCases)('reports $label as a $level ($rule)', (testCase) => {
    const { found, findings } = findExpectedFinding(testCase);
    expect(found, findings).toBe(true);
  });

  it('reports every finding at once, and the report lists each under a count line', () => {
    const definition = withPlugin({ name: '', version: 'v'.repeat(21), publisher: publisher('') });
    const findings = validatePluginDefinition(definition);
    expect(findings.map((item) => item.where)).toEqual([
      'plugin@name',
      'plugin@version',
      'publisher/contact@email',
    ]);
    const report = formatFindings(findings);
    expect(report).toMatch(
      /^3 refusals, 0 warnings, 0 notes\n {2}refusal {2}plugin\.attributes {2}plugin@name: /,
    );
    expect(report.split('\n')).toHaveLength(4);
  });

  it('throws PsVersionError (a PluginError with code unknown_ps_version) for an unreadable target version', () => {
    const error = (() => {
      try {
        validatePluginDefinition(withPlugin({}), { psVersion: '25.x' });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(PsVersionError);
    expect(error).toMatchObject({
      code: 'unknown_ps_version',
      message: /dot-separated whole numbers/,
    });
  });
});
