/** plugin.xml fixtures and the helper that checks one the way the bundle reader does. */
import { mergeFindings, type Finding } from '../../plugin/finding.ts';
import { readPluginXml } from '../../plugin/plugin-xml.ts';
import { validatePluginXmlRules } from '../../plugin/validate.ts';

/** Every finding for a bare plugin.xml: structure, then value rules (as readBundle merges them). */
export function pluginXmlFindings(xml: string, psVersion?: string): Finding[] {
  const { definition, findings } = readPluginXml(xml);
  if (!definition) return findings;
  const rules = validatePluginXmlRules(definition, psVersion === undefined ? {} : { psVersion });
  return mergeFindings(findings, rules);
}

/** A plugin.xml with the given children and the publisher, in the order given. */
export function pluginXml(children: string, { publisherFirst = false } = {}): string {
  const publisher =
    '<publisher name="District IT"><contact email="it@district.example"/></publisher>';
  const head =
    '<?xml version="1.0" encoding="UTF-8"?>\n<plugin xmlns="http://plugin.powerschool.pearson.com" name="District Export" version="2.1">';
  return `${head}${publisherFirst ? publisher + children : children + publisher}</plugin>`;
}
