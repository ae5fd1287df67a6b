/** troubleshooting/: every writeback error with its meaning, causes and fix (the guide's catalogue). */
export { TROUBLESHOOTING, explainFailure, troubleshootingEntry } from './catalogue.ts';
export type { FailureFacts, TroubleshootingEntry } from './entry.ts';
export { renderTroubleshootingMarkdown } from './markdown.ts';
