/**
 * The single sign-on and navigation parts of plugin.xml: <links>, <openid> and <saml>, checked
 * with their contents against the 2013 plugin.xsd and PowerSchool's "Plugin XML" page (which adds
 * the teacher.pro.apps ui_context).
 */
import { finding, type Finding } from './finding.ts';
import type { RuleId } from './rules.ts';
import { checkBoolean, checkLength, checkOneOf } from './validation-rules.ts';
import {
  checkAttributes,
  checkChildren,
  childrenNamed,
  firstChild,
  type XmlElement,
} from './xml-tree.ts';

/** Where a link may appear (the XSD's five ids plus teacher.pro.apps from the Plugin XML page). */
export const UI_CONTEXT_IDS = [
  'admin.left_nav',
  'admin.header',
  'teacher.header',
  'teacher.pro.apps',
  'guardian.header',
  'student.header',
] as const;

/** SAML user types and name-id formats (XSD enumerations). */
export const SAML_USER_TYPES = ['admin', 'teacher', 'guardian', 'student'] as const;
export const SAML_NAMEID_FORMATS = ['unspecified', 'transient', 'persistent'] as const;

function checkOptionalLength(
  element: XmlElement,
  name: string,
  where: string,
  limit: { min?: number; max: number },
  rule: RuleId,
): Finding[] {
  const value = element.attributes[name];
  return value === undefined ? [] : checkLength(value, `${where}@${name}`, name, limit, rule);
}

function checkUiContexts(link: XmlElement, where: string): Finding[] {
  const rule = 'links.structure';
  const contexts = firstChild(link, 'ui_contexts');
  const findings = checkChildren(link, `${where}/`, {
    allowed: ['ui_contexts'],
    single: ['ui_contexts'],
    required: ['ui_contexts'],
    rule,
  });
  if (!contexts) return findings;
  findings.push(
    ...checkChildren(contexts, `${where}/ui_contexts/`, {
      allowed: ['ui_context'],
      required: ['ui_context'],
      rule,
    }),
  );
  childrenNamed(contexts, 'ui_context').forEach((context, index) => {
    const at = `${where}/ui_contexts/ui_context[${index}]`;
    findings.push(...checkAttributes(context, at, { required: ['id'], rule }));
    const id = context.attributes.id;
    if (id !== undefined)
      findings.push(
        ...checkOneOf(id, UI_CONTEXT_IDS, `${at}@id`, 'ui_context id', 'links.ui-context'),
      );
  });
  return findings;
}

/** One <link>: web links need a path; single sign-on links default it to "/". */
function checkLink(link: XmlElement, where: string, pathRequired: boolean): Finding[] {
  const rule = 'links.structure';
  return [
    ...checkAttributes(link, where, {
      required: pathRequired ? ['display-text', 'path'] : ['display-text'],
      optional: pathRequired ? ['title'] : ['title', 'path'],
      rule,
    }),
    ...checkOptionalLength(link, 'display-text', where, { min: 1, max: 100 }, rule),
    ...checkOptionalLength(link, 'path', where, { min: 1, max: 1000 }, rule),
    ...checkOptionalLength(link, 'title', where, { max: 256 }, rule),
    ...checkUiContexts(link, where),
  ];
}

/** A <links> element (at the top, or inside <openid> or <saml>) with at least one <link>. */
export function checkLinks(links: XmlElement, where: string, pathRequired: boolean): Finding[] {
  const rule = 'links.structure';
  return [
    ...checkAttributes(links, where, { rule }),
    ...checkChildren(links, `${where}/`, { allowed: ['link'], required: ['link'], rule }),
    ...childrenNamed(links, 'link').flatMap((link, index) =>
      checkLink(link, `${where}/link[${index}]`, pathRequired),
    ),
  ];
}

/** <openid host port?><links/></openid>: host is required and must be a host name only. */
export function checkOpenid(openid: XmlElement): Finding[] {
  const rule = 'openid.structure';
  const findings = [
    ...checkAttributes(openid, 'openid', { required: ['host'], optional: ['port'], rule }),
    ...checkOptionalLength(openid, 'host', 'openid', { min: 1, max: 256 }, rule),
    ...checkChildren(openid, 'openid/', {
      allowed: ['links'],
      single: ['links'],
      required: ['links'],
      rule,
    }),
  ];
  const { host, port } = openid.attributes;
  if (host !== undefined && /[:/]/.test(host)) {
    const message = `host "${host}" must be the host name only, without scheme, port or path (e.g. app.example.com); put the port in port="..." and the path on each link.`;
    findings.push(finding('openid.host-form', 'openid@host', message));
  }
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) <= 65535)) {
    findings.push(
      finding(
        rule,
        'openid@port',
        `port is "${port}"; use a port number from 0 to 65535 (default 443).`,
      ),
    );
  }
  const links = firstChild(openid, 'links');
  if (links) findings.push(...checkLinks(links, 'openid/links', false));
  return findings;
}

function checkSamlAttributes(attributes: XmlElement, where: string): Finding[] {
  const rule = 'saml.structure';
  const findings = checkChildren(attributes, `${where}/`, {
    allowed: ['user'],
    required: ['user'],
    rule,
  });
  childrenNamed(attributes, 'user').forEach((user, index) => {
    const at = `${where}/user[${index}]`;
    findings.push(...checkAttributes(user, at, { required: ['type'], rule }));
    const type = user.attributes.type;
    if (type !== undefined)
      findings.push(...checkOneOf(type, SAML_USER_TYPES, `${at}@type`, 'user type', rule));
    findings.push(
      ...checkChildren(user, `${at}/`, { allowed: ['attribute'], required: ['attribute'], rule }),
    );
    childrenNamed(user, 'attribute').forEach((attribute, position) => {
      const place = `${at}/attribute[${position}]`;
      findings.push(
        ...checkAttributes(attribute, place, {
          required: ['name'],
          optional: ['attribute-name', 'attribute-value', 'extension'],
          rule,
        }),
        ...['name', 'attribute-name', 'attribute-value', 'extension'].flatMap((name) =>
          checkOptionalLength(attribute, name, place, { max: 256 }, rule),
        ),
      );
    });
  });
  return findings;
}

function checkSamlPermissions(permissions: XmlElement, where: string): Finding[] {
  const rule = 'saml.structure';
  const findings = checkChildren(permissions, `${where}/`, {
    allowed: ['permission'],
    required: ['permission'],
    rule,
  });
  childrenNamed(permissions, 'permission').forEach((permission, index) => {
    const at = `${where}/permission[${index}]`;
    findings.push(
      ...checkAttributes(permission, at, { required: ['name', 'value', 'description'], rule }),
      ...checkOptionalLength(permission, 'name', at, { min: 1, max: 100 }, rule),
      ...checkOptionalLength(permission, 'value', at, { min: 1, max: 100 }, rule),
      ...checkOptionalLength(permission, 'description', at, { min: 1, max: 1000 }, rule),
    );
  });
  return findings;
}

function checkInlineAuthentication(inline: XmlElement, where: string): Finding[] {
  const rule = 'saml.structure';
  const findings = checkChildren(inline, `${where}/`, {
    allowed: ['user_types'],
    single: ['user_types'],
    required: ['user_types'],
    rule,
  });
  const types = firstChild(inline, 'user_types');
  if (!types) return findings;
  findings.push(...checkChildren(types, `${where}/user_types/`, { allowed: ['user_type'], rule }));
  const userTypes = childrenNamed(types, 'user_type');
  if (userTypes.length > 4) {
    findings.push(
      finding(
        rule,
        `${where}/user_types`,
        `holds ${userTypes.length} <user_type>s; the schema allows at most 4, one per user type.`,
      ),
    );
  }
  userTypes.forEach((userType, index) => {
    const at = `${where}/user_types/user_type[${index}]`;
    findings.push(
      ...checkAttributes(userType, at, { required: ['name'], optional: ['new-window'], rule }),
    );
    const { name } = userType.attributes;
    if (name !== undefined)
      findings.push(...checkOneOf(name, SAML_USER_TYPES, `${at}@name`, 'user_type name', rule));
    findings.push(
      ...checkBoolean(userType.attributes['new-window'], `${at}@new-window`, 'new-window', rule),
    );
  });
  return findings;
}

const SAML_URLS = ['entity-id', 'base-url', 'metadata-url', 'idp-entity-id', 'idp-metadata-url'];
const SAML_CHILDREN = ['links', 'attributes', 'permissions', 'inline_authentication'] as const;

function checkSamlMode(saml: XmlElement): Finding[] {
  const has = (name: string): boolean => saml.attributes[name] !== undefined;
  const identityProvider = has('entity-id') && has('base-url');
  const serviceProvider = has('idp-name') && has('idp-entity-id') && has('idp-metadata-url');
  if (identityProvider || serviceProvider) return [];
  const message =
    'sets neither entity-id and base-url (PowerSchool as SAML identity provider) nor idp-name, idp-entity-id and idp-metadata-url (PowerSchool as service provider); PowerSchool needs one complete set.';
  return [finding('saml.mode', 'saml', message)];
}

/** <saml name ...> with links, attributes, permissions and inline authentication. */
export function checkSaml(saml: XmlElement): Finding[] {
  const rule = 'saml.structure';
  const findings = [
    ...checkAttributes(saml, 'saml', {
      required: ['name'],
      optional: [...SAML_URLS, 'nameid-format', 'idp-name'],
      rule,
    }),
    ...checkOptionalLength(saml, 'name', 'saml', { min: 1, max: 256 }, rule),
    ...checkOptionalLength(saml, 'idp-name', 'saml', { max: 256 }, rule),
    ...SAML_URLS.flatMap((name) =>
      checkOptionalLength(saml, name, 'saml', { min: 1, max: 1000 }, rule),
    ),
    ...checkChildren(saml, 'saml/', { allowed: SAML_CHILDREN, single: SAML_CHILDREN, rule }),
    ...checkSamlMode(saml),
  ];
  const format = saml.attributes['nameid-format'];
  if (format !== undefined)
    findings.push(
      ...checkOneOf(format, SAML_NAMEID_FORMATS, 'saml@nameid-format', 'nameid-format', rule),
    );
  const links = firstChild(saml, 'links');
  if (links) findings.push(...checkLinks(links, 'saml/links', false));
  const attributes = firstChild(saml, 'attributes');
  if (attributes) findings.push(...checkSamlAttributes(attributes, 'saml/attributes'));
  const permissions = firstChild(saml, 'permissions');
  if (permissions) findings.push(...checkSamlPermissions(permissions, 'saml/permissions'));
  const inline = firstChild(saml, 'inline_authentication');
  if (inline) findings.push(...checkInlineAuthentication(inline, 'saml/inline_authentication'));
  return findings;
}
