import { describe, expect, it } from 'vitest';
import type { FindingLevel, RuleId } from '../../plugin/rules.ts';
import { pluginXml, pluginXmlFindings } from './plugin-xml-fixtures.ts';

/** The OpenID Connect (three-legged OAuth) form PowerSchool documents, as SSO plugins write it. */
const OIDC_OAUTH =
  '<oauth base-url="https://app.example.com" redirect-uri="/auth/powerschool/oidc/verify" allow-client-credential="false" allow-auth-code="true"><allow-persona>staff</allow-persona><allow-persona>teacher</allow-persona></oauth>';

const LINK = (contexts: string, attributes = 'display-text="App" path="/login"'): string =>
  `<link ${attributes}><ui_contexts>${contexts}</ui_contexts></link>`;

const OPENID = `<openid host="app.example.com" port="443"><links>${LINK('<ui_context id="admin.header"/><ui_context id="teacher.pro.apps"/>')}</links></openid>`;

const SAML = `<saml name="app-sp" entity-id="https://app.example.com/saml" base-url="https://app.example.com/" metadata-url="https://app.example.com/metadata"><links>${LINK('<ui_context id="guardian.header"/>')}</links><attributes><user type="admin"><attribute name="firstName"/><attribute name="lastName" attribute-name="sn"/></user></attributes><permissions><permission name="reports" value="r1" description="May run reports"/></permissions></saml>`;

describe('plugin.xml elements PowerSchool documents: accepted forms', () => {
  it.each([
    { label: 'the OpenID Connect (three-legged) oauth with allow-persona', children: OIDC_OAUTH },
    { label: 'an openid single sign-on link on teacher.pro.apps', children: OPENID },
    { label: 'a saml service with attributes and permissions', children: SAML },
    {
      label: 'links on every documented ui_context',
      children: `<links>${LINK('<ui_context id="admin.left_nav"/><ui_context id="admin.header"/><ui_context id="teacher.header"/><ui_context id="teacher.pro.apps"/><ui_context id="guardian.header"/><ui_context id="student.header"/>')}</links>`,
    },
    {
      label: 'autoinstall with its three children',
      children:
        '<autoinstall required="true"><autoenable required="true"/><autoregister/><autoredeploy/></autoinstall>',
    },
    {
      label: 'registration over https with callback data and parameters',
      children:
        '<registration url="https://app.example.com/register"><callback-data>key</callback-data><parameter name="district">x</parameter></registration>',
    },
    {
      label: 'identityAttribute entities',
      children: '<identityAttribute><entity name="staff" attribute="email"/></identityAttribute>',
    },
  ])('accepts $label with no refusal or warning', ({ children }) => {
    const findings = pluginXmlFindings(pluginXml(children));
    expect(
      findings.filter((item) => item.level !== 'note'),
      JSON.stringify(findings, null, 2),
    ).toEqual([]);
  });

  it('reads the three-legged personas and the services into the definition', async () => {
    const { readPluginXml } = await import('../../plugin/plugin-xml.ts');
    const { definition } = readPluginXml(pluginXml(`${OIDC_OAUTH}${OPENID}${SAML}`));
    expect(definition?.oauth).toEqual({ personas: ['staff', 'teacher'] });
    expect(definition?.services).toMatchObject({
      openidHost: 'app.example.com',
      samlName: 'app-sp',
    });
  });
});

interface ElementCase {
  label: string;
  xml: string;
  level: FindingLevel;
  rule: RuleId;
  where: string;
  message: RegExp;
}

const cases: ElementCase[] = [
  {
    label: '<publisher> before <access_request> (the schema allows any order)',
    xml: pluginXml(
      '<access_request><field table="STUDENTS" field="DCID" access="ViewOnly"/></access_request>',
      { publisherFirst: true },
    ),
    level: 'warning',
    rule: 'plugin.element-order',
    where: 'publisher',
    message:
      /<publisher> comes before <access_request>; the schema allows any order.*cvc-complex-type\.2\.4\.a/,
  },
  {
    label: 'an oauth attribute beyond the documented ones',
    xml: pluginXml('<oauth scope="all"/>'),
    level: 'warning',
    rule: 'oauth.unknown-attribute',
    where: 'oauth@scope',
    message: /scope is not an attribute of <oauth>/,
  },
  {
    label: 'an allow-persona PowerSchool does not name',
    xml: pluginXml('<oauth allow-auth-code="true"><allow-persona>guardian</allow-persona></oauth>'),
    level: 'warning',
    rule: 'oauth.three-legged',
    where: 'oauth/allow-persona[0]',
    message: /"guardian"; valid values: staff, teacher, parent, student/,
  },
  {
    label: 'an unknown child inside <oauth>',
    xml: pluginXml('<oauth><client/></oauth>'),
    level: 'refusal',
    rule: 'oauth.structure',
    where: 'oauth/client',
    message: /<client> is not allowed in <oauth>/,
  },
  {
    label: 'an openid without its required host',
    xml: pluginXml(`<openid><links>${LINK('<ui_context id="admin.header"/>')}</links></openid>`),
    level: 'refusal',
    rule: 'openid.structure',
    where: 'openid@host',
    message: /<openid> needs the host attribute/,
  },
  {
    label: 'an openid host with a scheme',
    xml: pluginXml(
      `<openid host="https://app.example.com"><links>${LINK('<ui_context id="admin.header"/>')}</links></openid>`,
    ),
    level: 'warning',
    rule: 'openid.host-form',
    where: 'openid@host',
    message: /host name only, without scheme/,
  },
  {
    label: 'an openid without links',
    xml: pluginXml('<openid host="app.example.com"/>'),
    level: 'refusal',
    rule: 'openid.structure',
    where: 'openid/links',
    message: /<openid> has no <links>/,
  },
  {
    label: 'an unknown ui_context id',
    xml: pluginXml(`<links>${LINK('<ui_context id="admin.footer"/>')}</links>`),
    level: 'refusal',
    rule: 'links.ui-context',
    where: 'links/link[0]/ui_contexts/ui_context[0]@id',
    message:
      /"admin\.footer"; valid values: admin\.left_nav, admin\.header, teacher\.header, teacher\.pro\.apps/,
  },
  {
    label: 'a link without ui_contexts',
    xml: pluginXml('<links><link display-text="App" path="https://app.example.com"/></links>'),
    level: 'refusal',
    rule: 'links.structure',
    where: 'links/link[0]/ui_contexts',
    message: /<link> has no <ui_contexts>/,
  },
  {
    label: 'a navigation link without path',
    xml: pluginXml(
      `<links>${LINK('<ui_context id="admin.header"/>', 'display-text="App"')}</links>`,
    ),
    level: 'refusal',
    rule: 'links.structure',
    where: 'links/link[0]@path',
    message: /<link> needs the path attribute/,
  },
  {
    label: 'a saml permission without its name',
    xml: pluginXml(
      '<saml name="sp" entity-id="https://a.example/saml" base-url="https://a.example/"><permissions><permission value="r1" description="Reports"/></permissions></saml>',
    ),
    level: 'refusal',
    rule: 'saml.structure',
    where: 'saml/permissions/permission[0]@name',
    message: /<permission> needs the name attribute/,
  },
  {
    label: 'a saml user type PowerSchool does not know',
    xml: pluginXml(
      '<saml name="sp" entity-id="https://a.example/saml" base-url="https://a.example/"><attributes><user type="parent"><attribute name="email"/></user></attributes></saml>',
    ),
    level: 'refusal',
    rule: 'saml.structure',
    where: 'saml/attributes/user[0]@type',
    message: /"parent"; valid values: admin, teacher, guardian, student/,
  },
  {
    label: 'a saml without the attributes of either mode',
    xml: pluginXml('<saml name="sp"/>'),
    level: 'warning',
    rule: 'saml.mode',
    where: 'saml',
    message: /neither entity-id and base-url .* nor idp-name, idp-entity-id and idp-metadata-url/,
  },
  {
    label: 'an unknown child inside <autoinstall>',
    xml: pluginXml('<autoinstall><autoupdate/></autoinstall>'),
    level: 'refusal',
    rule: 'autoinstall.structure',
    where: 'autoinstall/autoupdate',
    message:
      /<autoupdate> is not allowed in <autoinstall>; allowed: <autoenable>, <autoregister>, <autoredeploy>/,
  },
  {
    label: 'a registration url over plain http',
    xml: pluginXml('<registration url="http://app.example.com/register"/>'),
    level: 'refusal',
    rule: 'registration.https',
    where: 'registration@url',
    message: /must start with https:\/\//,
  },
  {
    label: 'a registration without its url',
    xml: pluginXml('<registration><parameter name="district">x</parameter></registration>'),
    level: 'refusal',
    rule: 'registration.structure',
    where: 'registration@url',
    message: /<registration> needs the url attribute/,
  },
  {
    label: 'an identityAttribute entity without its attribute',
    xml: pluginXml('<identityAttribute><entity name="staff"/></identityAttribute>'),
    level: 'refusal',
    rule: 'identity-attribute.structure',
    where: 'identityAttribute/entity[0]@attribute',
    message: /<entity> needs the attribute attribute/,
  },
  {
    label: 'an oauth without accessLevelV1Api (v1 refused on 25.2.0.0+)',
    xml: pluginXml('<oauth/>'),
    level: 'note',
    rule: 'oauth.v1-level-default',
    where: 'oauth@accessLevelV1Api',
    message: /is NONE and every \/ws\/v1 call but \/ws\/v1\/metadata is refused/,
  },
];

describe('plugin.xml elements: findings with their level', () => {
  it.each(cases)('reports $label as a $level ($rule)', ({ xml, level, rule, where, message }) => {
    const findings = pluginXmlFindings(xml);
    const match = findings.find((item) => item.rule === rule && item.where === where);
    expect(match, JSON.stringify(findings, null, 2)).toBeDefined();
    expect(match!.level).toBe(level);
    expect(match!.message).toMatch(message);
  });

  it('reports publisher first as its only finding: no refusal for an order the schema allows', () => {
    const xml = pluginXml('<oauth accessLevelV1Api="READ"/>', { publisherFirst: true });
    expect(pluginXmlFindings(xml).map((item) => [item.level, item.rule])).toEqual([
      ['warning', 'plugin.element-order'],
    ]);
  });

  it('leaves out the v1 note for a version before 25.2.0.0', () => {
    expect(pluginXmlFindings(pluginXml('<oauth/>'), '24.11.0.0')).toEqual([]);
  });
});
