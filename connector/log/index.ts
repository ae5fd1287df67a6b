/** log/: the Writeback Logs tab: its filters, its records with explained errors, and the text table. */
export {
  LOG_STATUS_FILTERS,
  logPageOf,
  resendableRow,
  readLogPage,
  scopeLogFilter,
  type LogFilter,
  type LogStatusFilter,
} from './filter.ts';
export {
  toWritebackRecord,
  type ExplainedError,
  type LogPage,
  type WritebackRecord,
} from './record.ts';
export { renderLogTable, renderRecordDetails } from './table.ts';
