/**
 * The remaining children of <plugin>: <oauth> in both its forms (client credentials, and the
 * three-legged OpenID Connect form), <autoinstall>, <registration> and <identityAttribute>.
 * Structure from the 2013 plugin.xsd; the newer attributes from PowerSchool's pages.
 */
import type { PluginDefinition, V1AccessLevel } from './definition.ts';
import { finding, type Finding } from './finding.ts';
import { checkBoolean, checkLength, checkOneOf } from './validation-rules.ts';
import {
  checkAttributes,
  checkChildren,
  childrenNamed,
  firstChild,
  type XmlElement,
} from './xml-tree.ts';

/** `<allow-persona>` values of three-legged OAuth (the personas its id token carries). */
export const OAUTH_PERSONAS = ['staff', 'teacher', 'parent', 'student'] as const;

/**
 * <oauth> attributes: accessLevelV1Api (Plugin XML page, 25.2.0.0+), account_token (XSD), and
 * the three-legged OAuth ones. Inferred: the three-legged page is not public in full, so an
 * attribute beyond these is a warning, not a refusal.
 */
const OAUTH_ATTRIBUTES = [
  'accessLevelV1Api',
  'account_token',
  'base-url',
  'redirect-uri',
  'allow-client-credential',
  'allow-auth-code',
];

function checkThreeLegged(oauth: XmlElement): Finding[] {
  const rule = 'oauth.three-legged';
  const findings = [
    ...checkBoolean(
      oauth.attributes['allow-client-credential'],
      'oauth@allow-client-credential',
      'allow-client-credential',
      rule,
    ),
    ...checkBoolean(
      oauth.attributes['allow-auth-code'],
      'oauth@allow-auth-code',
      'allow-auth-code',
      rule,
    ),
  ];
  childrenNamed(oauth, 'allow-persona').forEach((persona, index) => {
    const where = `oauth/allow-persona[${index}]`;
    findings.push(...checkOneOf(persona.text, OAUTH_PERSONAS, where, 'allow-persona', rule));
  });
  return findings;
}

function checkConsumer(oauth: XmlElement): Finding[] {
  const consumer = firstChild(oauth, 'consumer');
  if (!consumer) return [];
  const rule = 'oauth.structure';
  const url = firstChild(consumer, 'url');
  return [
    ...checkChildren(consumer, 'oauth/consumer/', {
      allowed: ['url'],
      single: ['url'],
      required: ['url'],
      rule,
    }),
    ...(url
      ? checkLength(url.text, 'oauth/consumer/url', 'consumer url', { min: 1, max: 1000 }, rule)
      : []),
  ];
}

/** Checks <oauth> in either form and reads what the definition keeps of it. */
export function readOauth(root: XmlElement, findings: Finding[]): PluginDefinition['oauth'] {
  const oauth = firstChild(root, 'oauth');
  if (!oauth) return null;
  findings.push(
    ...checkAttributes(oauth, 'oauth', {
      optional: OAUTH_ATTRIBUTES,
      rule: 'oauth.structure',
      unknownRule: 'oauth.unknown-attribute',
    }),
    ...checkChildren(oauth, 'oauth/', {
      allowed: ['consumer', 'allow-persona'],
      single: ['consumer'],
      rule: 'oauth.structure',
    }),
    ...checkConsumer(oauth),
    ...checkThreeLegged(oauth),
  );
  const token = oauth.attributes.account_token;
  if (token !== undefined)
    findings.push(
      ...checkLength(
        token,
        'oauth@account_token',
        'account_token',
        { max: 256 },
        'oauth.structure',
      ),
    );
  const level = oauth.attributes.accessLevelV1Api;
  const personas = childrenNamed(oauth, 'allow-persona').map((persona) => persona.text);
  return {
    // Kept as written; validatePluginXmlRules reports a value outside NONE|READ|FULL.
    ...(level === undefined ? {} : { accessLevelV1Api: level as V1AccessLevel }),
    ...(personas.length > 0 ? { personas } : {}),
  };
}

/** <autoinstall required?> with <autoenable required?>, <autoregister required?>, <autoredeploy>. */
export function checkAutoinstall(autoinstall: XmlElement): Finding[] {
  const rule = 'autoinstall.structure';
  const children = ['autoenable', 'autoregister', 'autoredeploy'] as const;
  const findings = [
    ...checkAttributes(autoinstall, 'autoinstall', { optional: ['required'], rule }),
    ...checkBoolean(autoinstall.attributes.required, 'autoinstall@required', 'required', rule),
    ...checkChildren(autoinstall, 'autoinstall/', { allowed: children, single: children, rule }),
  ];
  for (const child of autoinstall.children) {
    if (!(children as readonly string[]).includes(child.name)) continue;
    const where = `autoinstall/${child.name}`;
    const optional = child.name === 'autoredeploy' ? [] : ['required'];
    findings.push(
      ...checkAttributes(child, where, { optional, rule }),
      ...checkBoolean(child.attributes.required, `${where}@required`, 'required', rule),
      ...checkChildren(child, `${where}/`, { allowed: [], rule }),
    );
  }
  return findings;
}

/** <registration url="https://..."> with <callback-data>? and <parameter name>*. */
export function checkRegistration(registration: XmlElement): Finding[] {
  const rule = 'registration.structure';
  const findings = [
    ...checkAttributes(registration, 'registration', { required: ['url'], rule }),
    ...checkChildren(registration, 'registration/', {
      allowed: ['callback-data', 'parameter'],
      single: ['callback-data'],
      rule,
    }),
  ];
  const { url } = registration.attributes;
  if (url !== undefined) {
    findings.push(...checkLength(url, 'registration@url', 'url', { min: 1, max: 1000 }, rule));
    if (url !== '' && !url.startsWith('https://')) {
      findings.push(
        finding(
          'registration.https',
          'registration@url',
          `url "${url}" must start with https://; PowerSchool registers only over HTTPS.`,
        ),
      );
    }
  }
  childrenNamed(registration, 'parameter').forEach((parameter, index) => {
    const where = `registration/parameter[${index}]`;
    findings.push(...checkAttributes(parameter, where, { optional: ['name'], rule }));
    const { name } = parameter.attributes;
    if (name !== undefined)
      findings.push(...checkLength(name, `${where}@name`, 'name', { max: 256 }, rule));
  });
  return findings;
}

/** <identityAttribute> with <entity name attribute>*. */
export function checkIdentityAttribute(identity: XmlElement): Finding[] {
  const rule = 'identity-attribute.structure';
  const findings = [
    ...checkAttributes(identity, 'identityAttribute', { rule }),
    ...checkChildren(identity, 'identityAttribute/', { allowed: ['entity'], rule }),
  ];
  childrenNamed(identity, 'entity').forEach((entity, index) => {
    const where = `identityAttribute/entity[${index}]`;
    findings.push(...checkAttributes(entity, where, { required: ['name', 'attribute'], rule }));
    for (const name of ['name', 'attribute']) {
      const value = entity.attributes[name];
      if (value !== undefined)
        findings.push(...checkLength(value, `${where}@${name}`, name, { min: 1, max: 256 }, rule));
    }
  });
  return findings;
}
