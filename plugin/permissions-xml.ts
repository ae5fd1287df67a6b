/**
 * permissions_root/NAME.permission_mappings.xml: which PowerSchool page grants the right to run
 * a named query from the portals. Form from the PowerQuery DAT page's example plugin:
 * <permission_mappings><permission name="/admin/page.html"><implies allow="post">
 * /ws/schema/query/QUERY_NAME</implies></permission></permission_mappings>. The installer
 * refuses any other target: "Plugins can only permission map named queries, not X" (field
 * report, zuvy/powerschool-cpm TROUBLESHOOTING.md).
 */
import { finding, type Finding } from './finding.ts';
import { childrenNamed, parseXmlDocument } from './xml-tree.ts';

/** One page and the named queries it lets a portal user run. */
export interface PermissionMapping {
  /** The page whose access grants the permission, e.g. /admin/home.html. */
  page: string;
  /** Named queries (by name) the page implies. */
  queries: string[];
}

const QUERY_PATH = /^\/ws\/schema\/query\/([^/?#\s]+)$/;

function checkImplies(
  text: string,
  allow: string | undefined,
  where: string,
  queryNames: ReadonlySet<string>,
): { query?: string; findings: Finding[] } {
  if (text === '') {
    return {
      findings: [
        finding(
          'permissions.structure',
          where,
          '<implies> is empty; write the path it grants, /ws/schema/query/QUERY_NAME.',
        ),
      ],
    };
  }
  const match = QUERY_PATH.exec(text);
  if (!match) {
    const message = `Plugins can only permission map named queries, not ${text} (PowerSchool's answer); map /ws/schema/query/QUERY_NAME, or drop this mapping.`;
    return { findings: [finding('permissions.named-queries-only', where, message)] };
  }
  const query = match[1]!;
  const findings: Finding[] = [];
  if (allow?.toLowerCase() !== 'post') {
    const message = `allow is ${allow === undefined ? 'missing' : `"${allow}"`}; PowerQueries run by POST, so a query mapping says allow="post".`;
    findings.push(finding('permissions.allow', `${where}@allow`, message));
  }
  if (!queryNames.has(query)) {
    const message = `maps ${query}, which this bundle does not declare; fine for PowerSchool's own queries or another plugin's, else check the name.`;
    findings.push(finding('permissions.unknown-query', where, message));
  }
  return { query, findings };
}

/**
 * Parses one permission mapping file (entry is its path in the archive, for messages) and
 * checks each mapping against the bundle's query names.
 */
export function readPermissionMappings(
  xml: string,
  entry: string,
  queryNames: ReadonlySet<string>,
): { mappings: PermissionMapping[]; findings: Finding[] } {
  const { root, findings } = parseXmlDocument(xml, entry);
  if (!root) return { mappings: [], findings };
  if (root.name !== 'permission_mappings') {
    const message = `the root element is <${root.name}>; a permission mapping file holds <permission_mappings><permission name="/page.html"><implies allow="post">/ws/schema/query/NAME</implies></permission></permission_mappings>.`;
    return {
      mappings: [],
      findings: [...findings, finding('permissions.structure', entry, message)],
    };
  }
  const mappings = childrenNamed(root, 'permission').map((permission, index) => {
    const where = `${entry}: permission[${index}]`;
    const page = permission.attributes.name ?? '';
    if (page === '') {
      findings.push(
        finding(
          'permissions.structure',
          `${where}@name`,
          '<permission> needs name="/the/page.html" whose access grants the mapping.',
        ),
      );
    }
    const queries: string[] = [];
    childrenNamed(permission, 'implies').forEach((implies, position) => {
      const checked = checkImplies(
        implies.text.trim(),
        implies.attributes.allow,
        `${where}/implies[${position}]`,
        queryNames,
      );
      findings.push(...checked.findings);
      if (checked.query !== undefined) queries.push(checked.query);
    });
    return { page, queries };
  });
  return { mappings, findings };
}
