import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultPluginDefinition, type PluginDefinition } from '../../plugin/definition.ts';
import { PluginError } from '../../plugin/plugin-error.ts';
import { parsePluginXml, readPluginXml, renderPluginXml } from '../../plugin/plugin-xml.ts';
import { GOLDEN_PS_VERSIONS, goldenPath } from './golden/regenerate.ts';
import { pluginXmlFindings } from './plugin-xml-fixtures.ts';

const REGENERATE = 'node bin/run-ts.mjs test/plugin/golden/regenerate.ts';

function parseErrors(xml: string): PluginError {
  try {
    parsePluginXml(xml);
  } catch (error) {
    if (error instanceof PluginError) return error;
    throw error;
  }
  throw new Error('expected parsePluginXml to throw PluginError');
}

const VALID_HEAD = '<plugin xmlns="http://plugin.powerschool.pearson.com" name="P" version="1">';
const PUBLISHER = '<publisher name="Pub"><contact email="a@b.c"/></publisher>';

describe('plugin.xml generation', () => {
  it.each(GOLDEN_PS_VERSIONS)('renders the golden plugin.xml for PowerSchool %s', (psVersion) => {
    const golden = readFileSync(goldenPath(psVersion), 'utf8');
    const rendered = renderPluginXml(defaultPluginDefinition({ psVersion }));
    expect(rendered, `plugin.xml changed; if intended, run ${REGENERATE} and review the diff`).toBe(
      golden,
    );
  });

  it.each([
    { psVersion: '23.10.0.0', oauth: '<oauth/>' },
    { psVersion: '24.11.0.0', oauth: '<oauth/>' },
    { psVersion: '25.1.9.9', oauth: '<oauth/>' },
    { psVersion: '25.2', oauth: '<oauth accessLevelV1Api="FULL"/>' },
    { psVersion: '25.2.0.0', oauth: '<oauth accessLevelV1Api="FULL"/>' },
    { psVersion: '25.10.0.0', oauth: '<oauth accessLevelV1Api="FULL"/>' },
    { psVersion: '26.1', oauth: '<oauth accessLevelV1Api="FULL"/>' },
  ])('writes $oauth for PowerSchool $psVersion', ({ psVersion, oauth }) => {
    const xml = renderPluginXml(defaultPluginDefinition({ psVersion }));
    expect(xml).toContain(`  ${oauth}\n`);
    expect(xml.match(/<oauth/g)).toHaveLength(1);
  });

  it('emits namespace, then oauth, access_request and publisher in that order', () => {
    const xml = renderPluginXml(defaultPluginDefinition({ psVersion: '25.2.0.0' }));
    expect(
      xml.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<plugin xmlns="http://plugin.powerschool.pearson.com" name="Navigate360 Attendance Access" version="1.0.0" description=',
      ),
    ).toBe(true);
    const order = ['<oauth', '<access_request>', '<publisher'].map((tag) => xml.indexOf(tag));
    expect(order.every((position) => position > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});

describe('plugin.xml parse-back', () => {
  const variants: Array<{ label: string; definition: PluginDefinition }> = [
    { label: '24.11.0.0 default', definition: defaultPluginDefinition({ psVersion: '24.11.0.0' }) },
    { label: '25.2.0.0 default', definition: defaultPluginDefinition({ psVersion: '25.2.0.0' }) },
    {
      label: 'phone, cdn hosts, no oauth, empty description, markup characters',
      definition: {
        ...defaultPluginDefinition(),
        description: '',
        name: 'A & B <"quoted"> \'n\'',
        oauth: null,
        cdnRequest: ['https://cdn.example.com'],
        publisher: { name: 'Pub & Co', contact: { email: 'x@y.z', phone: '+1 555 0100' } },
      },
    },
  ];

  it.each(variants)(
    'round-trips the $label definition (queries live elsewhere)',
    ({ definition }) => {
      const parsed = parsePluginXml(renderPluginXml(definition));
      const services = { links: 0, autoinstall: false, identityAttribute: false };
      expect(parsed).toEqual({ ...definition, queries: [], services });
    },
  );
});

describe('plugin.xml parse errors', () => {
  it.each([
    {
      label: 'malformed XML',
      xml: `${VALID_HEAD}<oauth>${PUBLISHER}</plugin>`,
      level: 'refusal',
      rule: 'xml.well-formed',
      where: /^plugin\.xml line 1, column \d+$/,
      message: /not well-formed XML/,
    },
    {
      label: 'a DOCTYPE',
      xml: `<!DOCTYPE plugin [<!ENTITY x "y">]>${VALID_HEAD}${PUBLISHER}</plugin>`,
      level: 'refusal',
      rule: 'xml.doctype',
      where: /^plugin\.xml$/,
      message: /DOCTYPE/,
    },
    {
      label: 'a wrong root',
      xml: '<plugins/>',
      level: 'refusal',
      rule: 'plugin.root',
      where: /^plugin\.xml$/,
      message: /root element is <plugins>/,
    },
    {
      label: 'an upper-case root',
      xml: '<Plugin/>',
      level: 'refusal',
      rule: 'plugin.root',
      where: /^plugin\.xml$/,
      message: /case-sensitive/,
    },
    {
      label: 'no namespace',
      xml: `<plugin name="P">${PUBLISHER}</plugin>`,
      level: 'refusal',
      rule: 'plugin.root',
      where: /^plugin@xmlns$/,
      message:
        /is missing; PowerSchool requires xmlns="http:\/\/plugin\.powerschool\.pearson\.com"/,
    },
    {
      label: 'a wrong namespace',
      xml: `<plugin xmlns="http://example.com" name="P">${PUBLISHER}</plugin>`,
      level: 'refusal',
      rule: 'plugin.root',
      where: /^plugin@xmlns$/,
      message: /is "http:\/\/example\.com"/,
    },
    {
      label: 'no name',
      xml: `<plugin xmlns="http://plugin.powerschool.pearson.com">${PUBLISHER}</plugin>`,
      level: 'refusal',
      rule: 'plugin.attributes',
      where: /^plugin@name$/,
      message: /<plugin> needs the name attribute/,
    },
    {
      label: 'a miscased attribute',
      xml: `${VALID_HEAD.replace('version=', 'Version=')}${PUBLISHER}</plugin>`,
      level: 'refusal',
      rule: 'plugin.attributes',
      where: /^plugin@Version$/,
      message: /case-sensitive: write version/,
    },
    {
      label: 'a miscased element',
      xml: `${VALID_HEAD}<Access_Request/>${PUBLISHER}</plugin>`,
      level: 'refusal',
      rule: 'plugin.children',
      where: /^Access_Request$/,
      message: /write <access_request>, not <Access_Request>/,
    },
    {
      label: 'an unknown element',
      xml: `${VALID_HEAD}<permissions/>${PUBLISHER}</plugin>`,
      level: 'refusal',
      rule: 'plugin.children',
      where: /^permissions$/,
      message: /not allowed in <plugin>; allowed: <registration>, <oauth>/,
    },
    {
      label: 'no publisher',
      xml: `${VALID_HEAD}<oauth/></plugin>`,
      level: 'refusal',
      rule: 'plugin.children',
      where: /^publisher$/,
      message: /<plugin> has no <publisher>/,
    },
    {
      label: 'two publishers',
      xml: `${VALID_HEAD}${PUBLISHER}${PUBLISHER}</plugin>`,
      level: 'refusal',
      rule: 'plugin.children',
      where: /^publisher$/,
      message: /appears 2 times/,
    },
    {
      label: 'a publisher without contact',
      xml: `${VALID_HEAD}<publisher name="Pub"/></plugin>`,
      level: 'refusal',
      rule: 'publisher.contact',
      where: /^publisher\/contact$/,
      message: /has no <contact>/,
    },
    {
      label: 'publisher before access_request',
      xml: `${VALID_HEAD}${PUBLISHER}<access_request/></plugin>`,
      level: 'warning',
      rule: 'plugin.element-order',
      where: /^publisher$/,
      message: /<publisher> comes before <access_request>/,
    },
    {
      label: 'a field without access',
      xml: `${VALID_HEAD}<access_request><field table="STUDENTS" field="DCID"/></access_request>${PUBLISHER}</plugin>`,
      level: 'refusal',
      rule: 'access-request.field',
      where: /^access_request\/field\[0\]@access$/,
      message: /<field> needs the access attribute/,
    },
    {
      label: 'an access value PowerSchool does not know',
      xml: `${VALID_HEAD}<access_request><field table="STUDENTS" field="DCID" access="Read"/></access_request>${PUBLISHER}</plugin>`,
      level: 'refusal',
      rule: 'access-request.field',
      where: /^access_request\/field\[0\]@access$/,
      message: /"Read"; valid values: ViewOnly, FullAccess/,
    },
    {
      label: 'an unknown v1 access level',
      xml: `${VALID_HEAD}<oauth accessLevelV1Api="ALL"/>${PUBLISHER}</plugin>`,
      level: 'refusal',
      rule: 'oauth.v1-level',
      where: /^oauth@accessLevelV1Api$/,
      message: /valid values: NONE, READ, FULL/,
    },
  ])('reports $label as a $level ($rule) with where and what is allowed', (testCase) => {
    const findings = pluginXmlFindings(testCase.xml);
    const match = findings.find(
      (item) => testCase.where.test(item.where) && item.rule === testCase.rule,
    );
    expect(match, JSON.stringify(findings, null, 2)).toBeDefined();
    expect(match!.level).toBe(testCase.level);
    expect(match!.message).toMatch(testCase.message);
  });

  it('throws PluginError with the findings for a refusal, and parses a bundle that only has warnings', () => {
    expect(parseErrors(`${VALID_HEAD}<oauth/></plugin>`)).toMatchObject({ code: 'plugin_refused' });
    expect(parseErrors(`${VALID_HEAD}<oauth>${PUBLISHER}</plugin>`).code).toBe('malformed_xml');
    const publisherFirst = `${VALID_HEAD}${PUBLISHER}<access_request/></plugin>`;
    expect(parsePluginXml(publisherFirst).name).toBe('P');
  });

  it('reports every problem of a file at once, not just the first', () => {
    const xml = `<plugin name="${'n'.repeat(41)}"><Oauth/><access_request><field table="T" field="F" access="Edit"/></access_request></plugin>`;
    const places = parseErrors(xml).findings.map((item) => item.where);
    expect(places).toEqual(
      expect.arrayContaining([
        'plugin@xmlns',
        'Oauth',
        'publisher',
        'plugin@name',
        'access_request/field[0]@access',
      ]),
    );
  });

  it('reports a missing attribute once, not also as empty', () => {
    const { findings } = readPluginXml(
      `<plugin xmlns="http://plugin.powerschool.pearson.com">${PUBLISHER}</plugin>`,
    );
    expect(findings.filter((item) => item.where === 'plugin@name')).toHaveLength(1);
    expect(
      parseErrors(
        `<plugin xmlns="http://plugin.powerschool.pearson.com">${PUBLISHER}</plugin>`,
      ).findings.filter((item) => item.where === 'plugin@name'),
    ).toHaveLength(1);
  });
});
