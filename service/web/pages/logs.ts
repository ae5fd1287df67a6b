/**
 * The Writeback Logs tab: the guide's columns (Type, Student Name, Student PS ID, Date/Time,
 * Grade, Reason, Status) and filters (status, student name search, building, date range; and
 * type), all in the query string so a link reproduces the view; paging; a chevron on each failed
 * row that opens PowerSchool's error, what it means and how to resolve it; ticking failed rows
 * and re-sending them; a CSV of the filtered rows; and new events appearing while the page is
 * open (assets.ts reads /admin/logs/rows every few seconds).
 */
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import { stream } from 'hono/streaming';
import {
  ConnectorError,
  EVENT_TYPES,
  canSeeSchool,
  EVENT_TYPE_LABELS,
  LOG_STATUS_FILTERS,
  viewSchools,
  type EventType,
  type LogFilter,
  type LogPage,
  type LogStatusFilter,
  postedRecords,
  type WritebackPreview,
  writtenOf,
  type WritebackRecord,
} from '../../../connector/index.ts';
import { LINE_VERBS, eventPagePath } from './event.ts';
import { pageEvents, refusalPage, renderTab, type AdminContext } from '../context.ts';
import { csrfField, notice, type Markup } from '../layout.ts';
import { canChange, fieldList, field, type AdminEnv } from '../session.ts';

const PAGE_SIZE = 50;
/** Rows per read of a CSV export, and the most one export holds (pswb's limit). */
const CSV_PAGE = 1000;
const MAX_CSV_ROWS = 100_000;
const STATUS_LABELS: Record<LogStatusFilter, string> = {
  all: 'All',
  successful: 'Successful',
  failed: 'Failed',
  pending: 'Waiting',
  sending: 'Sending',
  not_attempted: 'Not attempted',
};

/** The filters as the query string gives them (unknown values are refused by the connector). */
interface LogQueryView {
  status: string;
  search: string;
  school: string;
  from: string;
  to: string;
  type: string;
  /** One event's id (a failure alert's link): only that row, its chevron open. */
  event: string;
  page: number;
}

function queryOf(c: Context): LogQueryView {
  const q = (name: string) => c.req.query(name)?.trim() ?? '';
  const page = Number(q('page') || '1');
  return {
    status: q('status') || 'all',
    search: q('search'),
    school: q('school'),
    from: q('from'),
    to: q('to'),
    type: q('type'),
    event: q('event'),
    page: Number.isSafeInteger(page) && page >= 1 ? page : 1,
  };
}

/** The query string of a view (without empty values and page 1). */
export function searchOf(view: LogQueryView, page = view.page): string {
  const params = new URLSearchParams();
  if (view.status && view.status !== 'all') params.set('status', view.status);
  for (const key of ['search', 'school', 'from', 'to', 'type', 'event'] as const) {
    if (view[key]) params.set(key, view[key]);
  }
  if (page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

function filterOf(view: LogQueryView, page: number, pageSize: number): LogFilter {
  const school = view.school ? Number(view.school) : undefined;
  if (view.school && !Number.isSafeInteger(school)) {
    throw new ConnectorError('invalid_filter', `Building "${view.school}" is not a school number.`);
  }
  return {
    status: view.status as LogStatusFilter,
    ...(view.search ? { search: view.search } : {}),
    ...(school !== undefined ? { school } : {}),
    ...(view.from ? { from: view.from } : {}),
    ...(view.to ? { to: view.to } : {}),
    ...(view.type ? { type: view.type as EventType } : {}),
    page,
    pageSize,
  };
}

/**
 * Reads a page of the log; a building the user may not see answers 404 (as an id of another
 * building does), a bad filter value a 422 naming the valid ones.
 */
async function readPage(
  context: AdminContext,
  who: AdminEnv['Variables'],
  view: LogQueryView,
  page: number,
  pageSize: number,
): Promise<LogPage> {
  if (view.event) return eventPage(context, who, view.event, pageSize);
  try {
    return await pageEvents(context).logs(who.district, who.actor, filterOf(view, page, pageSize));
  } catch (error) {
    if (error instanceof ConnectorError && error.code === 'permission_denied') {
      throw new ConnectorError('event_not_found', `No building ${view.school} among your schools.`);
    }
    throw error;
  }
}

/**
 * The page of one event (?event=<id>, the link of a failure alert): another building's event, or
 * none, answers 404 as an id of another building does everywhere on the page.
 */
async function eventPage(
  context: AdminContext,
  who: AdminEnv['Variables'],
  id: string,
  pageSize: number,
): Promise<LogPage> {
  const record = await pageEvents(context).record(who.district, who.actor, id);
  if (!record) {
    throw new ConnectorError(
      'event_not_found',
      `No event with id "${id}" among your buildings’ events.`,
    );
  }
  return { records: [record], total: 1, page: 1, pageSize, pages: 1 };
}

export function registerLogs(app: Hono<AdminEnv>, context: AdminContext): void {
  app.get('/admin/logs', async (c) => {
    const view = queryOf(c);
    const resent = Number(c.req.query('resent') ?? '');
    const banner =
      Number.isSafeInteger(resent) && resent > 0
        ? notice(
            'ok',
            `${resent} event${resent === 1 ? '' : 's'} sent again: each is back in the outbox and is written in a few seconds.`,
          )
        : '';
    try {
      const page = await readPage(context, c.var, view, view.page, PAGE_SIZE);
      return renderTab(
        c,
        'logs',
        'Writeback Logs',
        html`${banner}${await logsBody(c.var, context, view, page)}`,
      );
    } catch (error) {
      return filterRefusal(c, context, view, error);
    }
  });

  app.get('/admin/logs/rows', async (c) => {
    const view = queryOf(c);
    try {
      const page = await readPage(context, c.var, view, view.page, PAGE_SIZE);
      return c.html(
        html`<table>
            ${rowsBody(c.var, page, view)}
          </table>
          <span id="log-total">${totalText(page)}</span>`,
      );
    } catch (error) {
      if (error instanceof ConnectorError)
        return c.text(error.message, error.code === 'event_not_found' ? 404 : 422);
      throw error;
    }
  });

  // Streamed a page of 1,000 rows at a time, so a large export neither holds every row in
  // memory nor blocks other requests for its whole length.
  app.get('/admin/logs.csv', async (c) => {
    const view = queryOf(c);
    let first: LogPage;
    try {
      first = await readPage(context, c.var, view, 1, CSV_PAGE);
    } catch (error) {
      if (error instanceof ConnectorError)
        return c.text(error.message, error.code === 'event_not_found' ? 404 : 422);
      throw error;
    }
    if (first.total > MAX_CSV_ROWS) {
      return c.text(
        `${first.total} events match these filters; an export holds up to ${MAX_CSV_ROWS}. Narrow the date range or add a building or status, and export again.`,
        422,
      );
    }
    c.header('content-type', 'text/csv; charset=utf-8');
    c.header('content-disposition', 'attachment; filename="writeback-logs.csv"');
    return stream(c, async (out) => {
      await out.write(`${CSV_HEADER.map(csvCell).join(',')}\r\n`);
      for (let page = 1, result = first; ;) {
        if (result.records.length > 0) {
          await out.write(`${result.records.map(csvRow).join('\r\n')}\r\n`);
        }
        if (page >= result.pages) break;
        page += 1;
        result = await readPage(context, c.var, view, page, CSV_PAGE);
      }
    });
  });

  // Preview: what re-sending one event would post now (every lookup made, nothing written).
  // Read-only, so every role may; another building's event answers 404.
  app.post('/admin/logs/preview', async (c) => {
    const view = backView(field(c.var.form, 'back'));
    const id = field(c.var.form, 'preview');
    // Another district's or building's event is not there, whatever the engine.
    const record = id
      ? await pageEvents(context).record(c.var.district, c.var.actor, id)
      : undefined;
    const notFound = () =>
      refusalPage(c, 'logs', 404, `No event with id "${id}" among your buildings’ events.`);
    let preview: WritebackPreview | undefined;
    if (context.events) {
      if (!record) return notFound();
      // PostgreSQL: the district's connector (service/district-connector.ts).
      preview = await context.events.previewStored?.(c.var.district, c.var.actor, id);
    } else {
      const connector = context.connector();
      const row = record && connector ? context.store().get(id) : undefined;
      if (!connector || !row || !canSeeSchool(c.var.actor, row.school_number)) return notFound();
      [preview] = await connector.preview([JSON.parse(row.payload) as unknown]);
    }
    if (!preview) return notFound();
    const page = await readPage(context, c.var, view, view.page, PAGE_SIZE);
    return renderTab(
      c,
      'logs',
      'Writeback Logs',
      html`${previewNotice(record!.studentName, preview)}${await logsBody(c.var, context, view, page)}`,
    );
  });

  app.post('/admin/logs/resend', async (c) => {
    const view = backView(field(c.var.form, 'back'));
    if (!canChange(c.var.user)) {
      return refusalPage(c, 'logs', 403, 'Support accounts are read only: nothing was sent again.');
    }
    const ids = fieldList(c.var.form, 'ids');
    if (ids.length === 0) {
      const page = await readPage(context, c.var, view, view.page, PAGE_SIZE);
      return renderTab(
        c,
        'logs',
        'Writeback Logs',
        html`${notice('error', 'Tick at least one failed row to send again.')}${await logsBody(c.var, context, view, page)}`,
        422,
      );
    }
    if (!context.events && !context.connector()) {
      return refusalPage(
        c,
        'logs',
        404,
        'No PowerSchool connection is saved: nothing can be sent.',
      );
    }
    const events = pageEvents(context);
    // Every id first: one of another building (or none at all) answers 404 before any is sent.
    for (const id of ids) {
      const record = await events.record(c.var.district, c.var.actor, id);
      if (!record)
        return refusalPage(
          c,
          'logs',
          404,
          `No event with id "${id}" among your buildings’ events.`,
        );
      if (record.status !== 'failed' && record.status !== 'not_attempted') {
        const page = await readPage(context, c.var, view, view.page, PAGE_SIZE);
        return renderTab(
          c,
          'logs',
          'Writeback Logs',
          html`${notice('error', `Event of ${record.studentName} is ${record.statusLabel}: only Failed and Not attempted events are sent again.`)}${await logsBody(c.var, context, view, page)}`,
          409,
        );
      }
    }
    for (const id of ids) await events.resend(c.var.district, c.var.actor, id);
    context.wake();
    const back = searchOf(view);
    return c.redirect(`/admin/logs${back}${back ? '&' : '?'}resent=${ids.length}`, 303);
  });
}

/** A preview's answer above the list: the record a re-send would post, or why it would fail. */
function previewNotice(student: string, preview: WritebackPreview): Markup {
  if (preview.outcome === 'would_write') {
    const record = preview.record!;
    const posted = postedRecords(record);
    const title =
      posted.length > 0
        ? `Preview: re-sending the event of ${student} now would POST /ws/attendance/${record.endpoint} (${record.mode} mode). Nothing was sent.`
        : `Preview: re-sending the event of ${student} now would post nothing (${record.mode} mode). Nothing was sent.`;
    return html`<div class="alert ok" role="status">
      <strong>${title}</strong>
      ${
        record.lines?.length
          ? html`<ul class="records">
              ${record.lines.map((line) => html`<li>${LINE_VERBS[line.action]}: ${line.what}</li>`)}
            </ul>`
          : ''
      }
      ${posted.length > 0 ? html`<pre>${JSON.stringify(posted.length === 1 ? posted[0] : posted, null, 2)}</pre>` : ''}
    </div>`;
  }
  const verdict = preview.outcome === 'failed' ? 'would fail' : 'would not be attempted';
  return notice(
    'warn',
    `Preview: re-sending the event of ${student} now ${verdict}. Nothing was sent.`,
    preview.error
      ? [preview.error.message, preview.error.meaning, ...preview.error.resolution]
      : [],
  );
}

/** The view a re-send came from (its query string, from the form). */
function backView(search: string): LogQueryView {
  const params = new URLSearchParams(search.startsWith('?') ? search.slice(1) : search);
  const page = Number(params.get('page') ?? '1');
  return {
    status: params.get('status') ?? 'all',
    search: params.get('search') ?? '',
    school: params.get('school') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    type: params.get('type') ?? '',
    event: params.get('event') ?? '',
    page: Number.isSafeInteger(page) && page >= 1 ? page : 1,
  };
}

async function filterRefusal(
  c: Context<AdminEnv>,
  context: AdminContext,
  view: LogQueryView,
  error: unknown,
) {
  if (!(error instanceof ConnectorError)) throw error;
  if (error.code === 'event_not_found') return refusalPage(c, 'logs', 404, error.message);
  const empty: LogPage = { records: [], total: 0, page: 1, pageSize: PAGE_SIZE, pages: 0 };
  return renderTab(
    c,
    'logs',
    'Writeback Logs',
    html`${notice('error', 'The filter is not valid.', [error.message])}${await logsBody(c.var, context, view, empty)}`,
    422,
  );
}

function totalText(page: LogPage): string {
  return `${page.total} event${page.total === 1 ? '' : 's'}`;
}

async function logsBody(
  who: AdminEnv['Variables'],
  context: AdminContext,
  view: LogQueryView,
  page: LogPage,
): Promise<Markup> {
  const settings = await pageEvents(context).settings(who.district);
  const schools = viewSchools(settings, who.actor);
  const changer = canChange(who.user);
  const search = searchOf(view);
  const pager = html`<nav class="pager" aria-label="Pages">
    ${page.page > 1 ? html`<a href="/admin/logs${searchOf(view, page.page - 1)}">Previous page</a>` : ''}
    <span>Page ${page.pages === 0 ? 0 : page.page} of ${page.pages}</span>
    ${page.page < page.pages ? html`<a href="/admin/logs${searchOf(view, page.page + 1)}">Next page</a>` : ''}
  </nav>`;
  const single = view.event
    ? html`<p class="alert ok" role="status">
        Showing one event, <code>${view.event}</code>.
        <a href="/admin/logs">Show all events</a>
      </p>`
    : '';
  return html`${single}
    <form
      method="get"
      action="/admin/logs"
      class="card"
      role="search"
      aria-label="Filter the Writeback Logs"
    >
      <div class="row bottom">
        <div class="field">
          <label for="f-status">Status</label>
          <select id="f-status" name="status">
            ${LOG_STATUS_FILTERS.map((status) => html`<option value="${status}" ${view.status === status ? 'selected' : ''}>${STATUS_LABELS[status]}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="f-search">Student name</label>
          <input id="f-search" name="search" type="search" value="${view.search}" />
        </div>
        <div class="field">
          <label for="f-school">Building</label>
          <select id="f-school" name="school">
            <option value="">All my buildings</option>
            ${schools.map((school) => html`<option value="${school.schoolNumber}" ${view.school === String(school.schoolNumber) ? 'selected' : ''}>${school.name} (${school.schoolNumber})</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="f-type">Type</label>
          <select id="f-type" name="type">
            <option value="">All types</option>
            ${EVENT_TYPES.map((type) => html`<option value="${type}" ${view.type === type ? 'selected' : ''}>${EVENT_TYPE_LABELS[type]}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="f-from">From</label>
          <input id="f-from" name="from" type="date" value="${view.from}" />
        </div>
        <div class="field">
          <label for="f-to">To</label>
          <input id="f-to" name="to" type="date" value="${view.to}" />
        </div>
        <div class="field">
          <button type="submit">Apply filters</button>
          <a class="button secondary" href="/admin/logs">Clear</a>
        </div>
      </div>
    </form>
    <p>
      <strong id="log-total">${totalText(page)}</strong>
      · <a href="/admin/logs.csv${search}" download>Export these rows as CSV</a> ·
      <span id="log-updated" class="hint">The list updates while this page is open.</span>
    </p>
    <form method="post" action="/admin/logs/resend" id="resend">
      ${csrfField(who.csrf)}
      <input type="hidden" name="back" value="${searchOf(view)}" />
      ${
        changer
          ? html`<div class="row">
              <div>
                <input type="checkbox" id="select-failed" />
                <label class="inline" for="select-failed"
                  >Select all failed rows on this page</label
                >
              </div>
              <button type="submit">Re-send selected</button>
            </div>`
          : ''
      }
      <table>
        <caption class="visually-hidden">
          Writeback events, newest first
        </caption>
        <thead>
          <tr>
            ${changer ? html`<th scope="col"><span class="visually-hidden">Select</span></th>` : ''}
            <th scope="col">Type</th>
            <th scope="col">Student Name</th>
            <th scope="col">Student PS ID</th>
            <th scope="col">Date/Time</th>
            <th scope="col">Grade</th>
            <th scope="col">Reason</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        ${rowsBody(who, page, view)}
      </table>
    </form>
    ${pager}`;
}

function rowsBody(who: AdminEnv['Variables'], page: LogPage, view: LogQueryView): Markup {
  const changer = canChange(who.user);
  const live = `/admin/logs/rows${searchOf(view)}`;
  const columns = changer ? 8 : 7;
  return html`<tbody id="log-rows" data-live="${live}">
    ${
      page.records.length === 0
        ? html`<tr>
            <td colspan="${columns}">No events match these filters.</td>
          </tr>`
        : page.records.map((record) => logRow(record, changer, record.id === view.event))
    }
  </tbody>`;
}

function logRow(record: WritebackRecord, changer: boolean, open = false): Markup {
  const resendable = record.status === 'failed' || record.status === 'not_attempted';
  return html`<tr data-id="${record.id}">
    ${
      changer
        ? html`<td>
            ${
              resendable
                ? html`<input
                    type="checkbox"
                    name="ids"
                    value="${record.id}"
                    id="pick-${record.id}"
                    aria-label="Select the event of ${record.studentName} at ${record.localDate} ${record.localTime}"
                  />`
                : ''
            }
          </td>`
        : ''
    }
    <td>${record.typeLabel}</td>
    <td>${record.studentName}</td>
    <td>${record.studentPsId ?? ''}</td>
    <td>${record.localDate} ${record.localTime}</td>
    <td>${record.grade ?? ''}</td>
    <td>${record.reason}</td>
    <td>${statusCell(record, open)}</td>
  </tr>`;
}

/** The event's own page: its history, and correcting or cancelling it. */
function eventLink(record: WritebackRecord): Markup {
  return html`<p>
    <a href="${eventPagePath(record.id)}"
      >Correct, cancel or see the history<span class="visually-hidden">
        of the event of ${record.studentName}</span
      ></a
    >
  </p>`;
}

/**
 * A row's chevron, open when asked: a failure alert's link (?event=<id>) lands on the row with it
 * open, and the live list keeps open the ones the reader opened (data-id).
 */
function chevron(record: WritebackRecord, open: boolean): Markup {
  // prettier-ignore
  return open
    ? html`<details class="why" data-id="${record.id}" open>`
    : html`<details class="why" data-id="${record.id}">`;
}

/** A successful event's records beneath its status, with the event it is linked to. */
function recordsOf(record: WritebackRecord, label: Markup, open: boolean): Markup {
  const written = writtenOf(record);
  const lines = written.lines ?? [];
  const link = (id: string) =>
    html`<a href="/admin/logs?event=${encodeURIComponent(id)}">${id}</a>`;
  if (lines.length === 0 && !written.returnOf && !written.returnedBy) return label;
  return html`${chevron(record, open)}
    <summary>
      ${label} <span aria-hidden="true">∨</span
      ><span class="visually-hidden"> — show the records in PowerSchool</span>
    </summary>
    <ul class="records">
      ${lines.map((line) => html`<li>${LINE_VERBS[line.action]}: ${line.what}</li>`)}
    </ul>
    ${written.returnOf ? html`<p>Return to school after the early check-out ${link(written.returnOf)}.</p>` : ''}
    ${written.returnedBy ? html`<p>The student returned: ${link(written.returnedBy)} updated these records.</p>` : ''}
    ${eventLink(record)}
  </details>`;
}

function statusCell(record: WritebackRecord, open: boolean): Markup {
  const label = html`<span class="status-${record.status}">${record.statusLabel}</span>`;
  const error = record.error;
  if (!error) {
    return record.retryAt
      ? html`${label}
          <div class="hint">PowerSchool unavailable; tried again at ${record.retryAt}</div>`
      : recordsOf(record, label, open);
  }
  return html`${chevron(record, open)}
    <summary>
      ${label} <span aria-hidden="true">∨</span
      ><span class="visually-hidden"> — show PowerSchool’s error</span>
    </summary>
    <dl>
      <dt>PowerSchool’s error</dt>
      <dd>${error.status ? `HTTP ${error.status}: ` : ''}${error.message}</dd>
      <dt>What it means</dt>
      <dd>${error.meaning}</dd>
      ${
        error.causes.length > 0
          ? html`<dt>Likely causes</dt>
              <dd>
                <ul>
                  ${error.causes.map((cause) => html`<li>${cause}</li>`)}
                </ul>
              </dd>`
          : ''
      }
      <dt>How to resolve it</dt>
      <dd>
        <ul>
          ${error.resolution.map((step) => html`<li>${step}</li>`)}
        </ul>
      </dd>
      <dt>Event</dt>
      <dd>
        <code>${record.id}</code> · building ${record.schoolNumber} · ${record.runs}
        run${record.runs === 1 ? '' : 's'}
      </dd>
    </dl>
    <button
      type="submit"
      class="secondary"
      formaction="/admin/logs/preview"
      name="preview"
      value="${record.id}"
    >
      Preview<span class="visually-hidden"> a re-send of the event of ${record.studentName}</span>
    </button>
    <span class="hint">what a re-send would post now, without sending it</span>
    ${eventLink(record)}
  </details>`;
}

const CSV_HEADER = [
  'Type',
  'Student Name',
  'Student PS ID',
  'Date',
  'Time',
  'Grade',
  'Reason',
  'Status',
  'Building',
  'PowerSchool error',
  'What it means',
  'Event ID',
];

function csvRow(record: WritebackRecord): string {
  return [
    record.typeLabel,
    record.studentName,
    record.studentPsId ?? '',
    record.localDate,
    record.localTime,
    record.grade ?? '',
    record.reason,
    record.statusLabel,
    record.schoolNumber,
    record.error?.message ?? '',
    record.error?.meaning ?? '',
    record.id,
  ]
    .map((value) => csvCell(String(value)))
    .join(',');
}

/**
 * One CSV cell: quoted when it holds a comma, quote or line break; a cell starting with = + - @
 * (or a tab or carriage return) gets a leading ' so a spreadsheet shows it instead of running it
 * as a formula (OWASP, CSV injection).
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
