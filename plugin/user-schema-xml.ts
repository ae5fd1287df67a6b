/**
 * user_schema_root/*.xml: database extensions a plugin creates. No public schema exists; the
 * form here is the one a field report says the installer accepts (<psExtension
 * xmlns="http://www.powerschool.com"> with <extensionname> and <extendedTable>s of <field
 * name type>), and that report says the older <tables> form was refused. One report is not
 * enough for a refusal, so shape problems are warnings; malformed XML is a refusal.
 */
import { finding, type Finding } from './finding.ts';
import { childrenNamed, firstChild, parseXmlDocument, type XmlElement } from './xml-tree.ts';

/** One extended table of an extension, as the inspect summary shows it. */
export interface ExtendedTable {
  /** dbTableName (or name) as written. */
  name: string;
  /** The core table a one-to-one or child extension hangs off, e.g. STUDENTS. */
  coreTable?: string;
  fields: number;
}

/** One database extension file. */
export interface UserSchemaExtension {
  entry: string;
  /** <extensionname>, '' when the file does not name one. */
  name: string;
  tables: ExtendedTable[];
}

function readTable(table: XmlElement, where: string, findings: Finding[]): ExtendedTable {
  const name = table.attributes.dbTableName ?? table.attributes.name ?? '';
  if (name === '') {
    findings.push(
      finding(
        'user-schema.shape',
        where,
        '<extendedTable> names no dbTableName; name the table (U_ prefix).',
      ),
    );
  }
  const fields = childrenNamed(table, 'field');
  fields.forEach((field, index) => {
    const missing = ['name', 'type'].filter(
      (attribute) => field.attributes[attribute] === undefined,
    );
    if (missing.length > 0) {
      findings.push(
        finding(
          'user-schema.shape',
          `${where}/field[${index}]`,
          `<field> needs ${missing.join(' and ')}.`,
        ),
      );
    }
  });
  const { coreTable } = table.attributes;
  return { name, ...(coreTable === undefined ? {} : { coreTable }), fields: fields.length };
}

/** Parses one database extension file; summarises it and reports its shape. */
export function readUserSchema(
  xml: string,
  entry: string,
): { extension: UserSchemaExtension | null; findings: Finding[] } {
  const { root, findings } = parseXmlDocument(xml, entry);
  if (!root) return { extension: null, findings };
  if (root.name !== 'psExtension') {
    const message = `the root element is <${root.name}>; database extensions are read in the <psExtension xmlns="http://www.powerschool.com"> form (a field report says <tables> was refused with "Badly-formatted XML: unexpected element").`;
    findings.push(finding('user-schema.shape', entry, message));
    return { extension: { entry, name: '', tables: [] }, findings };
  }
  const name = firstChild(root, 'extensionname')?.text ?? '';
  if (name === '') {
    findings.push(
      finding(
        'user-schema.shape',
        entry,
        '<psExtension> has no <extensionname>; name the extension group (e.g. U_LAPTOP).',
      ),
    );
  }
  const tables = childrenNamed(root, 'extendedTable');
  if (tables.length === 0) {
    findings.push(
      finding('user-schema.shape', entry, '<psExtension> declares no <extendedTable>.'),
    );
  }
  return {
    extension: {
      entry,
      name,
      tables: tables.map((table, index) =>
        readTable(table, `${entry}: extendedTable[${index}]`, findings),
      ),
    },
    findings,
  };
}
