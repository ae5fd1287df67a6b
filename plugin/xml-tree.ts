/**
 * Reads plugin.xml and PowerQuery files into a plain element tree (order kept) with
 * fast-xml-parser, and checks elements and attributes against what PowerSchool knows, reporting
 * findings instead of throwing so a whole file is checked in one pass.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { finding, type Finding } from './finding.ts';
import type { RuleId } from './rules.ts';

/** One XML element: attributes as written, child elements in order, text and CDATA joined. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  cdataPropName: '#cdata',
  processEntities: true,
  htmlEntities: false,
});

function textOf(nodes: OrderedNode[]): string {
  return nodes
    .map((node) => {
      if ('#text' in node) return String(node['#text']);
      if ('#cdata' in node) return textOf(node['#cdata'] as OrderedNode[]);
      return '';
    })
    .join('');
}

function toElement(node: OrderedNode): XmlElement | undefined {
  const name = Object.keys(node).find((key) => key !== ':@');
  if (name === undefined || name.startsWith('#') || name.startsWith('?')) return undefined;
  const content = (node[name] ?? []) as OrderedNode[];
  return {
    name,
    attributes: { ...(node[':@'] ?? {}) },
    children: content.map(toElement).filter((child) => child !== undefined),
    text: textOf(content),
  };
}

/**
 * Parses one XML document. Refuses a DOCTYPE (no plugin file needs one, and entity expansion
 * is how XML bombs work) and reports malformed XML with its line and column.
 */
export function parseXmlDocument(
  xml: string,
  source: string,
): { root: XmlElement | null; findings: Finding[] } {
  const text = xml.startsWith('\uFEFF') ? xml.slice(1) : xml;
  if (/<!DOCTYPE/i.test(text)) {
    const message = `declares a DOCTYPE; PowerSchool plugin files never need one and pswb refuses entity declarations. Remove the <!DOCTYPE ...> line.`;
    return { root: null, findings: [finding('xml.doctype', source, message)] };
  }
  const check = XMLValidator.validate(text);
  if (check !== true) {
    const { msg, line, col } = check.err;
    const message = `is not well-formed XML: ${msg} Fix the XML there (an editor with XML checking shows the spot).`;
    return {
      root: null,
      findings: [finding('xml.well-formed', `${source} line ${line}, column ${col}`, message)],
    };
  }
  const nodes = parser.parse(text) as OrderedNode[];
  const roots = nodes.map(toElement).filter((element) => element !== undefined);
  if (roots.length !== 1) {
    const message = `must hold exactly one root element; found ${roots.length}.`;
    return { root: null, findings: [finding('xml.well-formed', source, message)] };
  }
  return { root: roots[0]!, findings: [] };
}

/** Namespace declarations may sit on any element; they are not the element's own attributes. */
function isNamespaceAttribute(name: string): boolean {
  return name === 'xmlns' || name.startsWith('xmlns:') || name.startsWith('xsi:');
}

/** The attributes an element takes, and the rules a missing or unknown one breaks. */
export interface AttributeSpec {
  required?: readonly string[];
  optional?: readonly string[];
  rule: RuleId;
  /** The rule an unknown attribute breaks, when it is milder than `rule`. */
  unknownRule?: RuleId;
}

/** Reports missing required attributes and attributes PowerSchool does not know (case-sensitive). */
export function checkAttributes(
  element: XmlElement,
  where: string,
  spec: AttributeSpec,
): Finding[] {
  const required = spec.required ?? [];
  const known = [...required, ...(spec.optional ?? [])];
  const findings: Finding[] = [];
  for (const name of required) {
    if (!(name in element.attributes)) {
      const message = `<${element.name}> needs the ${name} attribute; add ${name}="...".`;
      findings.push(finding(spec.rule, `${where}@${name}`, message));
    }
  }
  for (const name of Object.keys(element.attributes)) {
    if (known.includes(name) || isNamespaceAttribute(name)) continue;
    const sameLetters = known.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    const message = sameLetters
      ? `attribute names are case-sensitive: write ${sameLetters}, not ${name}.`
      : `${name} is not an attribute of <${element.name}>; allowed: ${known.join(', ') || '(none)'}.`;
    findings.push(finding(spec.unknownRule ?? spec.rule, `${where}@${name}`, message));
  }
  return findings;
}

/** The child elements an element takes, and the rules a wrong one breaks. */
export interface ChildSpec {
  allowed: readonly string[];
  /** Children that may appear at most once. */
  single?: readonly string[];
  /** Children that must appear (exactly once when also in `single`). */
  required?: readonly string[];
  rule: RuleId;
  /** The rule an unknown child breaks, when it is milder than `rule`. */
  unknownRule?: RuleId;
}

/** The place of a child: `prefix` is '' for the root's children ('access_request/field[3]'). */
export function childWhere(prefix: string, name: string, index?: number): string {
  return `${prefix}${name}${index === undefined ? '' : `[${index}]`}`;
}

/** Reports unknown, repeated and missing child elements (names are case-sensitive). */
export function checkChildren(element: XmlElement, prefix: string, spec: ChildSpec): Finding[] {
  const findings: Finding[] = [];
  const counts = new Map<string, number>();
  for (const child of element.children) {
    counts.set(child.name, (counts.get(child.name) ?? 0) + 1);
    if (spec.allowed.includes(child.name)) continue;
    const sameLetters = spec.allowed.find(
      (name) => name.toLowerCase() === child.name.toLowerCase(),
    );
    const message = sameLetters
      ? `element names are case-sensitive: write <${sameLetters}>, not <${child.name}>.`
      : `<${child.name}> is not allowed in <${element.name}>; allowed: ${spec.allowed.map((name) => `<${name}>`).join(', ')}.`;
    findings.push(finding(spec.unknownRule ?? spec.rule, childWhere(prefix, child.name), message));
  }
  for (const name of spec.single ?? []) {
    const count = counts.get(name) ?? 0;
    if (count > 1) {
      const message = `<${name}> appears ${count} times in <${element.name}>; PowerSchool allows it once. Merge them into one.`;
      findings.push(finding(spec.rule, childWhere(prefix, name), message));
    }
  }
  for (const name of spec.required ?? []) {
    if (!counts.has(name)) {
      const message = `<${element.name}> has no <${name}>; PowerSchool requires one.`;
      findings.push(finding(spec.rule, childWhere(prefix, name), message));
    }
  }
  return findings;
}

/** The children named `name`, in document order. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}

/** The first child named `name`, if any. */
export function firstChild(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((child) => child.name === name);
}
