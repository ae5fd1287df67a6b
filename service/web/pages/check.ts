/**
 * The Check tab: reconciliation. For a date range (and optionally a building), reads back from
 * PowerSchool the records pswb wrote and lists each one missing (deleted since, or never kept)
 * or changed by someone else (another code, other minutes), with a button that writes the missing
 * ones again. Without a range it shows the service's last scheduled check. Every role may look;
 * support may not re-send; another building answers 404.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import {
  ConnectorError,
  toDistrictLocalTime,
  viewSchools,
  type ReconcileFilter,
  type ReconcileItem,
  type ReconcileReport,
} from '../../../connector/index.ts';
import { refusalPage, renderTab, type AdminContext } from '../context.ts';
import { csrfField, notice, type Markup } from '../layout.ts';
import { canChange, field, fieldList, type AdminEnv } from '../session.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function registerCheck(app: Hono<AdminEnv>, context: AdminContext): void {
  app.get('/admin/check', async (c) => {
    const from = c.req.query('from')?.trim() ?? '';
    const to = c.req.query('to')?.trim() ?? '';
    const school = c.req.query('school')?.trim() ?? '';
    const resent = Number(c.req.query('resent') ?? '');
    const banner =
      Number.isSafeInteger(resent) && c.req.query('resent') !== undefined
        ? notice(
            'ok',
            resent > 0
              ? `${resent} missing record${resent === 1 ? '' : 's'} sent again: each is back in the outbox and is written in a few seconds.`
              : 'Nothing was sent again: every record had come back in PowerSchool when read again.',
          )
        : '';
    const form = checkForm(c.var, context, { from, to, school });
    if (!from && !to) {
      const last = context.lastCheck?.();
      return renderTab(
        c,
        'check',
        'Check PowerSchool',
        html`${banner}${form}${
          last
            ? html`<h2>Last scheduled check</h2>
                ${reportBody(c.var, scoped(last, c.var))}`
            : html`<p>No check has run yet. Pick a date range and check.</p>`
        }`,
      );
    }
    if (!DATE.test(from) || !DATE.test(to) || from > to) {
      return renderTab(
        c,
        'check',
        'Check PowerSchool',
        html`${notice('error', 'Give a date range: From and To as dates, From on or before To.')}${form}`,
        422,
      );
    }
    const check = checker(context, c.var);
    if (!check) {
      return renderTab(
        c,
        'check',
        'Check PowerSchool',
        html`${notice('error', 'No PowerSchool connection is saved: a district admin saves it on the Settings tab.')}${form}`,
        409,
      );
    }
    const schoolNumber = school ? Number(school) : undefined;
    if (school && !Number.isSafeInteger(schoolNumber)) {
      return refusalPage(c, 'check', 404, `No building ${school} among your schools.`);
    }
    try {
      const report = await check.reconcile({
        from,
        to,
        ...(schoolNumber !== undefined ? { school: schoolNumber } : {}),
      });
      return renderTab(
        c,
        'check',
        'Check PowerSchool',
        html`${banner}${form}${reportBody(c.var, report)}`,
      );
    } catch (error) {
      if (error instanceof ConnectorError && error.code === 'permission_denied') {
        return refusalPage(c, 'check', 404, `No building ${school} among your schools.`);
      }
      throw error;
    }
  });

  app.post('/admin/check/resend', async (c) => {
    if (!canChange(c.var.user)) {
      return refusalPage(
        c,
        'check',
        403,
        'Support accounts are read only: nothing was sent again.',
      );
    }
    const ids = fieldList(c.var.form, 'ids');
    const check = checker(context, c.var);
    if (ids.length === 0 || !check) {
      return refusalPage(c, 'check', 404, 'No missing record was named to send again.');
    }
    const resent = await check.resendMissing(ids);
    if (resent.length > 0) context.wake();
    const back = new URLSearchParams(field(c.var.form, 'back'));
    back.set('resent', String(resent.length));
    return c.redirect(`/admin/check?${back.toString()}`, 303);
  });
}

/**
 * The Check's read-back and re-send for the user: the engine's (PostgreSQL: in the user's
 * district) or the saved connection's; undefined before a connection is saved.
 */
function checker(
  context: AdminContext,
  who: AdminEnv['Variables'],
):
  | {
      reconcile(filter: ReconcileFilter): Promise<ReconcileReport>;
      resendMissing(ids: readonly string[]): Promise<string[]>;
    }
  | undefined {
  const { reconcile, resendMissing } = context.events ?? {};
  if (reconcile && resendMissing) {
    return {
      reconcile: (filter) => reconcile(who.district, who.actor, filter),
      resendMissing: (ids) => resendMissing(who.district, who.actor, ids),
    };
  }
  const connector = context.connector();
  return connector
    ? {
        reconcile: (filter) => connector.reconcile(who.actor, filter),
        resendMissing: (ids) => connector.resendMissing(who.actor, ids),
      }
    : undefined;
}

/** The last scheduled report, limited to the buildings the user may see. */
function scoped(report: ReconcileReport, who: AdminEnv['Variables']): ReconcileReport {
  if (who.actor.role === 'district_admin') return report;
  const mine = new Set(who.actor.schools);
  return {
    ...report,
    missing: report.missing.filter((item) => mine.has(item.schoolNumber)),
    changed: report.changed.filter((item) => mine.has(item.schoolNumber)),
  };
}

function checkForm(
  who: AdminEnv['Variables'],
  context: AdminContext,
  values: { from: string; to: string; school: string },
): Markup {
  const settings = context.settings.get();
  const today = toDistrictLocalTime(context.now(), settings.districtTimezone ?? 'UTC').date;
  const schools = viewSchools(settings, who.actor);
  return html`<p class="hint">
      Reads back from PowerSchool the records pswb wrote, and lists each one that is missing now or
      was changed by someone else since (another code, other minutes). One call to PowerSchool per
      student and day; up to 20,000 events per check.
    </p>
    <form method="get" action="/admin/check" class="card" aria-label="Check a date range">
      <div class="row bottom">
        <div class="field">
          <label for="c-from">From</label>
          <input id="c-from" name="from" type="date" required value="${values.from || today}" />
        </div>
        <div class="field">
          <label for="c-to">To</label>
          <input id="c-to" name="to" type="date" required value="${values.to || today}" />
        </div>
        <div class="field">
          <label for="c-school">Building</label>
          <select id="c-school" name="school">
            <option value="">All my buildings</option>
            ${schools.map(
              (school) =>
                html`<option
                  value="${school.schoolNumber}"
                  ${values.school === String(school.schoolNumber) ? 'selected' : ''}
                >
                  ${school.name} (${school.schoolNumber})
                </option>`,
            )}
          </select>
        </div>
        <div class="field"><button type="submit">Check</button></div>
      </div>
    </form>`;
}

function reportBody(who: AdminEnv['Variables'], report: ReconcileReport): Markup {
  const summary = `${report.from}..${report.to}, checked ${report.checkedAt.slice(0, 19).replace('T', ' ')} UTC: ${report.checked} record${report.checked === 1 ? '' : 's'} read back, ${report.present} as written, ${report.superseded} replaced by a later writeback, ${report.missing.length} missing, ${report.changed.length} changed.`;
  const back = new URLSearchParams({ from: report.from, to: report.to }).toString();
  return html`<p id="check-summary">${summary}</p>
    <h2>Missing from PowerSchool</h2>
    ${
      report.missing.length === 0
        ? html`<p>None.</p>`
        : html`<form method="post" action="/admin/check/resend">
            ${csrfField(who.csrf)}
            <input type="hidden" name="back" value="${back}" />
            ${itemTable(report.missing, 'missing', canChange(who.user))}
            ${
              canChange(who.user)
                ? html`<p><button type="submit">Send the missing records again</button></p>`
                : ''
            }
          </form>`
    }
    <h2>Changed in PowerSchool since</h2>
    ${report.changed.length === 0 ? html`<p>None.</p>` : itemTable(report.changed, 'changed', false)}`;
}

function itemTable(items: readonly ReconcileItem[], kind: string, pick: boolean): Markup {
  return html`<table>
    <caption class="visually-hidden">
      ${kind} records
    </caption>
    <thead>
      <tr>
        <th scope="col">Student</th>
        <th scope="col">Student PS ID</th>
        <th scope="col">Date/Time</th>
        <th scope="col">Building</th>
        <th scope="col">Mode</th>
        <th scope="col">${kind === 'changed' ? 'What changed' : 'Event'}</th>
      </tr>
    </thead>
    <tbody>
      ${items.map(
        (item) =>
          html`<tr data-id="${item.id}">
            <td>
              ${
                pick ? html`<input type="hidden" name="ids" value="${item.id}" />` : ''
              }${item.studentName}
            </td>
            <td>${item.studentPsId}</td>
            <td>${item.localDate} ${item.localTime}</td>
            <td>${item.schoolNumber}</td>
            <td>${item.mode}</td>
            <td>
              ${
                kind === 'changed'
                  ? (item.changes ?? []).map(
                      (change) =>
                        html`<div>
                          ${change.field}: written ${change.written}, now ${change.now || '(none)'}
                        </div>`,
                    )
                  : html`<code>${item.id}</code>`
              }
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}
