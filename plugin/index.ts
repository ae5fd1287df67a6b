/** The plugin part's public surface: the data contract, versions, and the bundle toolchain. */
export * from './contract.ts';
export * from './ps-version.ts';
export * from './definition.ts';
export * from './validate.ts';
export * from './validate-queries.ts';
export * from './plugin-xml.ts';
export * from './named-queries-xml.ts';
export * from './bundle.ts';
export * from './bundle-limits.ts';
export * from './bundle-layout.ts';
export * from './bundle-files.ts';
export * from './bundle-summary.ts';
export { analyzeSelect, type SelectItem, type SelectShape } from './sql-shape.ts';
export { FIXED_ENTRY_DATE, FIXED_ENTRY_MODE } from './zip-write.ts';
