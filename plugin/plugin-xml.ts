/**
 * plugin.xml: rendered from a PluginDefinition with fast-xml-parser's builder, and parsed back
 * (ours or a vendor's) with every structural problem reported. Element order and attributes
 * follow docs/powerschool-reference.md section 1 (the 2013 plugin.xsd plus PowerSchool's docs).
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { FieldAccess, FieldAccessLevel } from './contract.ts';
import type { PluginDefinition, V1AccessLevel } from './definition.ts';
import {
  mergeViolations,
  PluginValidationError,
  validatePluginXmlRules,
  type Violation,
} from './validate.ts';
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
 * The order we emit and require: the old XSD allows any order, but one field report says a
 * later installer validates a sequence (oauth, access_request, links, publisher). Inferred:
 * the exact sequence of the newer schema is not public.
 */
const REQUIRED_ORDER = ['oauth', 'access_request', 'links', 'publisher'] as const;

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

function checkOrder(root: XmlElement): Violation[] {
  const positions = REQUIRED_ORDER.map((name) => root.children.findIndex((c) => c.name === name));
  const violations: Violation[] = [];
  for (let later = 1; later < REQUIRED_ORDER.length; later += 1) {
    for (let earlier = 0; earlier < later; earlier += 1) {
      const [a, b] = [positions[earlier]!, positions[later]!];
      if (a >= 0 && b >= 0 && b < a) {
        violations.push({
          where: REQUIRED_ORDER[later]!,
          message: `<${REQUIRED_ORDER[later]}> comes before <${REQUIRED_ORDER[earlier]}>; write them in the order ${REQUIRED_ORDER.join(', ')} (newer installers reject other orders with "cvc-complex-type.2.4.a").`,
        });
      }
    }
  }
  return violations;
}

function checkRoot(root: XmlElement): Violation[] {
  const namespace = root.attributes.xmlns;
  const namespaceProblem =
    namespace === PLUGIN_NAMESPACE
      ? []
      : [
          {
            where: 'plugin@xmlns',
            message: `${namespace === undefined ? 'is missing' : `is "${namespace}"`}; PowerSchool requires xmlns="${PLUGIN_NAMESPACE}" on <plugin>.`,
          },
        ];
  return [
    ...namespaceProblem,
    ...checkAttributes(root, 'plugin', {
      required: ['name'],
      optional: ['version', 'description', 'class', 'deletable'],
    }),
    ...checkChildren(root, '', {
      allowed: PLUGIN_CHILDREN,
      single: PLUGIN_CHILDREN,
      required: ['publisher'],
    }),
    ...checkOrder(root),
  ];
}

function readOauth(root: XmlElement, violations: Violation[]): PluginDefinition['oauth'] {
  const oauth = firstChild(root, 'oauth');
  if (!oauth) return null;
  violations.push(
    ...checkAttributes(oauth, 'oauth', { optional: ['accessLevelV1Api', 'account_token'] }),
    ...checkChildren(oauth, 'oauth/', { allowed: ['consumer'], single: ['consumer'] }),
  );
  const level = oauth.attributes.accessLevelV1Api;
  // Kept as written; validatePluginXmlRules reports a value outside NONE|READ|FULL.
  return level === undefined ? {} : { accessLevelV1Api: level as V1AccessLevel };
}

function readAccessRequest(
  root: XmlElement,
  violations: Violation[],
): { fields: FieldAccess[]; cdnHosts?: string[] } {
  const request = firstChild(root, 'access_request');
  if (!request) return { fields: [] };
  violations.push(
    ...checkAttributes(request, 'access_request', {}),
    ...checkChildren(request, 'access_request/', {
      allowed: ['field', 'cdn_request'],
      single: ['cdn_request'],
    }),
  );
  const fields = childrenNamed(request, 'field').map((field, index) => {
    const where = `access_request/field[${index}]`;
    violations.push(...checkAttributes(field, where, { required: ['table', 'field', 'access'] }));
    const { table = '', field: name = '', access = '' } = field.attributes;
    return { table, field: name, access: access as FieldAccessLevel };
  });
  const cdnRequest = firstChild(request, 'cdn_request');
  if (!cdnRequest) return { fields };
  violations.push(
    ...checkChildren(cdnRequest, 'access_request/cdn_request/', { allowed: ['cdn'] }),
  );
  const cdnHosts = childrenNamed(cdnRequest, 'cdn').map((cdn, index) => {
    const where = `access_request/cdn_request/cdn[${index}]`;
    violations.push(...checkAttributes(cdn, where, { required: ['name'] }));
    return cdn.attributes.name ?? '';
  });
  return { fields, cdnHosts };
}

function readPublisher(root: XmlElement, violations: Violation[]): PluginDefinition['publisher'] {
  const publisher = firstChild(root, 'publisher');
  if (!publisher) return { name: '', contact: { email: '' } };
  violations.push(
    ...checkAttributes(publisher, 'publisher', { required: ['name'] }),
    ...checkChildren(publisher, 'publisher/', {
      allowed: ['contact'],
      single: ['contact'],
      required: ['contact'],
    }),
  );
  const contact = firstChild(publisher, 'contact');
  if (contact) {
    violations.push(
      ...checkAttributes(contact, 'publisher/contact', {
        required: ['email'],
        optional: ['phone'],
      }),
    );
  }
  const phone = contact?.attributes.phone;
  return {
    name: publisher.attributes.name ?? '',
    contact: { email: contact?.attributes.email ?? '', ...(phone === undefined ? {} : { phone }) },
  };
}

/**
 * Parses plugin.xml without judging values: the definition as written (null when there is no
 * usable `<plugin>` root) and every structural violation (malformed XML, wrong root or
 * namespace, unknown, repeated, missing or misordered elements and attributes).
 */
export function readPluginXml(xml: string): {
  definition: PluginDefinition | null;
  violations: Violation[];
} {
  const { root, violations } = parseXmlDocument(xml, 'plugin.xml');
  if (!root) return { definition: null, violations };
  if (root.name !== 'plugin') {
    const hint = root.name.toLowerCase() === 'plugin' ? ' (element names are case-sensitive)' : '';
    const message = `the root element is <${root.name}>; a plugin.xml starts with <plugin xmlns="${PLUGIN_NAMESPACE}" name="...">${hint}.`;
    return { definition: null, violations: [{ where: 'plugin.xml', message }] };
  }
  violations.push(...checkRoot(root));
  const oauth = readOauth(root, violations);
  const { fields, cdnHosts } = readAccessRequest(root, violations);
  const definition: PluginDefinition = {
    name: root.attributes.name ?? '',
    version: root.attributes.version ?? '',
    description: root.attributes.description ?? '',
    oauth,
    accessRequest: fields,
    ...(cdnHosts === undefined ? {} : { cdnRequest: cdnHosts }),
    publisher: readPublisher(root, violations),
    queries: [],
  };
  return { definition, violations };
}

/**
 * Parses plugin.xml into a definition (queries: [], they live in queries_root/) and checks it
 * against the installer's rules; throws PluginValidationError listing every violation,
 * malformed XML included.
 */
export function parsePluginXml(xml: string): PluginDefinition {
  const { definition, violations } = readPluginXml(xml);
  const all = definition
    ? mergeViolations(violations, validatePluginXmlRules(definition))
    : violations;
  if (all.length > 0 || !definition) throw new PluginValidationError(all);
  return definition;
}
