/**
 * plugin.xml: rendered from a PluginDefinition with fast-xml-parser's builder, and parsed back
 * (ours or a vendor's) with every structural problem reported: the 2013 plugin.xsd plus
 * PowerSchool's "Plugin XML" page (docs/powerschool-reference.md section 1).
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { FieldAccess, FieldAccessLevel } from './contract-types.ts';
import type { PluginDefinition, PluginServices } from './definition.ts';
import { finding, mergeFindings, type Finding } from './finding.ts';
import { refusedBundleError } from './plugin-error.ts';
import {
  checkAutoinstall,
  checkIdentityAttribute,
  checkRegistration,
  readOauth,
} from './plugin-xml-extras.ts';
import { checkLinks, checkOpenid, checkSaml } from './plugin-xml-sso.ts';
import { checkBoolean, checkLength } from './validation-rules.ts';
import { validatePluginXmlRules } from './validate.ts';
import {
  checkAttributes,
  checkChildren,
  childrenNamed,
  firstChild,
  parseXmlDocument,
  type XmlElement,
} from './xml-tree.ts';

/** The namespace every plugin.xml root declares. */
export const PLUGIN_NAMESPACE = 'http://plugin.powerschool.pearson.com';

/** `<plugin>`'s children in the 2013 XSD (any order there; at most one each). */
const PLUGIN_CHILDREN = [
  'registration',
  'oauth',
  'access_request',
  'links',
  'openid',
  'saml',
  'publisher',
  'autoinstall',
  'identityAttribute',
] as const;

/**
 * The order we emit and advise: the XSD allows any order (xs:all), but one field report says a
 * later installer refused <publisher> before <access_request>. Inferred: the newer schema's
 * sequence is not public, so another order is a warning, not a refusal.
 */
const ADVISED_ORDER = ['oauth', 'access_request', 'links', 'publisher'] as const;

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
  // Else the builder writes required="true" as a bare attribute, which is not XML.
  suppressBooleanAttributes: false,
  processEntities: true,
});

function renderAccessRequest(definition: PluginDefinition): Record<string, unknown> | undefined {
  const hosts = definition.cdnRequest ?? [];
  if (definition.accessRequest.length === 0 && hosts.length === 0) return undefined;
  return {
    ...(hosts.length > 0
      ? { cdn_request: { cdn: hosts.map((host) => ({ '@_name': host })) } }
      : {}),
    field: definition.accessRequest.map((field) => ({
      '@_table': field.table,
      '@_field': field.field,
      '@_access': field.access,
    })),
  };
}

/** Renders plugin.xml: root namespace and attributes, then oauth, access_request, publisher. */
export function renderPluginXml(def: PluginDefinition): string {
  const { oauth, publisher } = def;
  const contact = publisher.contact;
  const plugin: Record<string, unknown> = {
    '@_xmlns': PLUGIN_NAMESPACE,
    '@_name': def.name,
    ...(def.version === '' ? {} : { '@_version': def.version }),
    ...(def.description === '' ? {} : { '@_description': def.description }),
  };
  if (oauth) {
    plugin.oauth = oauth.accessLevelV1Api ? { '@_accessLevelV1Api': oauth.accessLevelV1Api } : '';
  }
  const accessRequest = renderAccessRequest(def);
  if (accessRequest) plugin.access_request = accessRequest;
  plugin.publisher = {
    '@_name': publisher.name,
    contact: {
      '@_email': contact.email,
      ...(contact.phone === undefined ? {} : { '@_phone': contact.phone }),
    },
  };
  const xml = builder.build({
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    plugin,
  }) as string;
  return `${xml.trimEnd()}\n`;
}

function checkOrder(root: XmlElement): Finding[] {
  const positions = ADVISED_ORDER.map((name) => root.children.findIndex((c) => c.name === name));
  const findings: Finding[] = [];
  for (let later = 1; later < ADVISED_ORDER.length; later += 1) {
    for (let earlier = 0; earlier < later; earlier += 1) {
      const [a, b] = [positions[earlier]!, positions[later]!];
      if (a >= 0 && b >= 0 && b < a) {
        const message = `<${ADVISED_ORDER[later]}> comes before <${ADVISED_ORDER[earlier]}>; the schema allows any order, but one installer refused this with "cvc-complex-type.2.4.a". Write them in the order ${ADVISED_ORDER.join(', ')}.`;
        findings.push(finding('plugin.element-order', ADVISED_ORDER[later]!, message));
      }
    }
  }
  return findings;
}

function checkRoot(root: XmlElement): Finding[] {
  const namespace = root.attributes.xmlns;
  const namespaceProblem =
    namespace === PLUGIN_NAMESPACE
      ? []
      : [
          finding(
            'plugin.root',
            'plugin@xmlns',
            `${namespace === undefined ? 'is missing' : `is "${namespace}"`}; PowerSchool requires xmlns="${PLUGIN_NAMESPACE}" on <plugin>.`,
          ),
        ];
  return [
    ...namespaceProblem,
    ...checkAttributes(root, 'plugin', {
      required: ['name'],
      optional: ['version', 'description', 'class', 'deletable'],
      rule: 'plugin.attributes',
    }),
    ...checkBoolean(
      root.attributes.deletable,
      'plugin@deletable',
      'deletable',
      'plugin.attributes',
    ),
    ...(root.attributes.class === undefined
      ? []
      : checkLength(
          root.attributes.class,
          'plugin@class',
          'class',
          { max: 256 },
          'plugin.attributes',
        )),
    ...checkChildren(root, '', {
      allowed: PLUGIN_CHILDREN,
      single: PLUGIN_CHILDREN,
      required: ['publisher'],
      rule: 'plugin.children',
    }),
    ...checkOrder(root),
  ];
}

function readAccessRequest(
  root: XmlElement,
  findings: Finding[],
): { fields: FieldAccess[]; cdnHosts?: string[] } {
  const request = firstChild(root, 'access_request');
  if (!request) return { fields: [] };
  const rule = 'access-request.field';
  findings.push(
    ...checkAttributes(request, 'access_request', { rule }),
    ...checkChildren(request, 'access_request/', {
      allowed: ['field', 'cdn_request'],
      single: ['cdn_request'],
      rule,
    }),
  );
  const fields = childrenNamed(request, 'field').map((field, index) => {
    const where = `access_request/field[${index}]`;
    findings.push(
      ...checkAttributes(field, where, { required: ['table', 'field', 'access'], rule }),
    );
    const { table = '', field: name = '', access = '' } = field.attributes;
    return { table, field: name, access: access as FieldAccessLevel };
  });
  const cdnRequest = firstChild(request, 'cdn_request');
  if (!cdnRequest) return { fields };
  const cdnRule = 'access-request.cdn';
  findings.push(
    ...checkChildren(cdnRequest, 'access_request/cdn_request/', {
      allowed: ['cdn'],
      rule: cdnRule,
    }),
  );
  const cdnHosts = childrenNamed(cdnRequest, 'cdn').map((cdn, index) => {
    const where = `access_request/cdn_request/cdn[${index}]`;
    findings.push(...checkAttributes(cdn, where, { required: ['name'], rule: cdnRule }));
    return cdn.attributes.name ?? '';
  });
  return { fields, cdnHosts };
}

function readPublisher(root: XmlElement, findings: Finding[]): PluginDefinition['publisher'] {
  const publisher = firstChild(root, 'publisher');
  if (!publisher) return { name: '', contact: { email: '' } };
  const rule = 'publisher.contact';
  findings.push(
    ...checkAttributes(publisher, 'publisher', { required: ['name'], rule }),
    ...checkChildren(publisher, 'publisher/', {
      allowed: ['contact'],
      single: ['contact'],
      required: ['contact'],
      rule,
    }),
  );
  const contact = firstChild(publisher, 'contact');
  if (contact) {
    findings.push(
      ...checkAttributes(contact, 'publisher/contact', {
        required: ['email'],
        optional: ['phone'],
        rule,
      }),
    );
  }
  const phone = contact?.attributes.phone;
  return {
    name: publisher.attributes.name ?? '',
    contact: { email: contact?.attributes.email ?? '', ...(phone === undefined ? {} : { phone }) },
  };
}

/** Checks links, single sign-on, autoinstall, registration and identityAttribute; says what they declare. */
function readServices(root: XmlElement, findings: Finding[]): PluginServices {
  const links = firstChild(root, 'links');
  const openid = firstChild(root, 'openid');
  const saml = firstChild(root, 'saml');
  const registration = firstChild(root, 'registration');
  const autoinstall = firstChild(root, 'autoinstall');
  const identity = firstChild(root, 'identityAttribute');
  if (links) findings.push(...checkLinks(links, 'links', true));
  if (openid) findings.push(...checkOpenid(openid));
  if (saml) findings.push(...checkSaml(saml));
  if (registration) findings.push(...checkRegistration(registration));
  if (autoinstall) findings.push(...checkAutoinstall(autoinstall));
  if (identity) findings.push(...checkIdentityAttribute(identity));
  const { host } = openid?.attributes ?? {};
  const samlName = saml?.attributes.name;
  const url = registration?.attributes.url;
  return {
    links: links ? childrenNamed(links, 'link').length : 0,
    ...(host === undefined ? {} : { openidHost: host }),
    ...(samlName === undefined ? {} : { samlName }),
    ...(url === undefined ? {} : { registrationUrl: url }),
    autoinstall: autoinstall !== undefined,
    identityAttribute: identity !== undefined,
  };
}

/**
 * Parses plugin.xml without judging values: the definition as written (null when there is no
 * usable `<plugin>` root) and every structural finding (malformed XML, wrong root or
 * namespace, unknown, repeated, missing or misordered elements and attributes).
 */
export function readPluginXml(xml: string): {
  definition: PluginDefinition | null;
  findings: Finding[];
} {
  const { root, findings } = parseXmlDocument(xml, 'plugin.xml');
  if (!root) return { definition: null, findings };
  if (root.name !== 'plugin') {
    const hint = root.name.toLowerCase() === 'plugin' ? ' (element names are case-sensitive)' : '';
    const message = `the root element is <${root.name}>; a plugin.xml starts with <plugin xmlns="${PLUGIN_NAMESPACE}" name="...">${hint}.`;
    return { definition: null, findings: [finding('plugin.root', 'plugin.xml', message)] };
  }
  findings.push(...checkRoot(root));
  const oauth = readOauth(root, findings);
  const { fields, cdnHosts } = readAccessRequest(root, findings);
  const definition: PluginDefinition = {
    name: root.attributes.name ?? '',
    version: root.attributes.version ?? '',
    description: root.attributes.description ?? '',
    oauth,
    accessRequest: fields,
    ...(cdnHosts === undefined ? {} : { cdnRequest: cdnHosts }),
    publisher: readPublisher(root, findings),
    queries: [],
    services: readServices(root, findings),
  };
  return { definition, findings };
}

/**
 * Parses plugin.xml into a definition (queries: [], they live in queries_root/) and checks it
 * against every rule; throws PluginError (with the findings) when the installer would refuse
 * it. Warnings and notes do not throw: readPluginXml and validatePluginXmlRules give them.
 */
export function parsePluginXml(xml: string): PluginDefinition {
  const { definition, findings } = readPluginXml(xml);
  const all = definition ? mergeFindings(findings, validatePluginXmlRules(definition)) : findings;
  if (!definition || all.some((item) => item.level === 'refusal')) throw refusedBundleError(all);
  return definition;
}
