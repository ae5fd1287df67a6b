/**
 * Where each validation rule comes from. PowerSchool's developer portal needs a login; the pages
 * named here were read from public copies, and the field reports from public repositories.
 * docs/plugin.md lists every rule with its source.
 */
export const SOURCES = {
  xsd: 'plugin.xsd, PowerSchool plugin schema (2013; grantholle/powerschool-plugin-xml-builder src/plugin.xsd)',
  pluginXmlPage: 'PowerSchool developer page "Plugin XML"',
  pluginZipPage: 'PowerSchool developer page "Plugin ZIP"',
  powerQueriesPage: 'PowerSchool developer page "PowerQueries"',
  powerQueryDatPage:
    'PowerSchool developer page "PowerQuery DAT" (example queries and permission mappings)',
  dbExtensionGuide:
    'PowerSchool "Database Extension and Page Customization Developer Guide", Plugin Packages (contents that do not conform are ignored)',
  threeLeggedOAuth:
    'PowerSchool developer page "Three-legged OAuth" (form shown in grantholle/laravel-powerschool-auth README.md)',
  orderReport:
    'field report: "cvc-complex-type.2.4.a" when <publisher> precedes <access_request> (a public plugin-development guide for ps-package)',
  unrecognizedFileReport:
    'field report: "Plugin file contains an unrecognized file" for subfolders of queries_root/ or permissions_root/ (a public plugin-development guide for ps-package)',
  permissionMapReport:
    'field report: "Plugins can only permission map named queries, not /ws/cpm/tree" (zuvy/powerschool-cpm TROUBLESHOOTING.md)',
  userSchemaReport:
    'field report: user_schema_root/ files in <psExtension> form; "<tables>" refused as "Badly-formatted XML: unexpected element" (a public plugin-development guide for ps-package)',
  versionGates: 'docs/powerschool-reference.md section 6 (PowerSchool version markers)',
  zipSafety: "pswb's own archive safety (PowerSchool's upload limits are not public)",
  inferred: 'inferred',
} as const;

/** One of the sources above. */
export type RuleSource = (typeof SOURCES)[keyof typeof SOURCES];
