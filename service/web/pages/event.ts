/**
 * One event of the Writeback Logs on its own page (/admin/logs/event/<id>): what it is, what it
 * wrote in PowerSchool, its earlier versions, and for district and building admins the forms to
 * correct it (student, time, reason, type) and send it again, or to cancel it
 * (connector/writeback/correct.ts). Every change is audited. Another building's event is 404.
 */
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import {
  ConnectorError,
  EVENT_TYPES,
  EVENT_TYPE_LABELS,
  PowerSchoolError,
  readStoredEvent,
  type CorrectionResult,
  type EventCorrection,
  type EventVersionRow,
  type EventType,
  type RecordLine,
  writtenOf,
  type WritebackEvent,
  type WritebackRecord,
} from '../../../connector/index.ts';
import {
  audit,
  auditActor,
  pageEvents,
  refusalPage,
  renderTab,
  type AdminContext,
} from '../context.ts';
import { csrfField, notice, type Markup } from '../layout.ts';
import { canChange, field, type AdminEnv } from '../session.ts';

/** The event page's path. */
export const eventPagePath = (id: string): string => `/admin/logs/event/${encodeURIComponent(id)}`;

/** How the log names each kind of record line. */
export const LINE_VERBS: Record<RecordLine['action'], string> = {
  written: 'Written',
  kept: 'Kept (already in PowerSchool)',
  removed: 'Removed',
};

export function registerEventPage(app: Hono<AdminEnv>, context: AdminContext): void {
  app.get('/admin/logs/event/:id', (c) => page(c, context, c.req.param('id')));

  app.post('/admin/logs/event/:id/correct', async (c) => {
    const id = c.req.param('id');
    const found = await changeable(c, context, id);
    if (!('changes' in found)) return found;
    const { changes } = found;
    const change = correctionFrom(c.var.form, await changes.stored());
    if (change instanceof Array) {
      return page(c, context, id, notice('error', 'Not corrected.', change), 422);
    }
    if (Object.keys(change).length === 0) {
      return page(
        c,
        context,
        id,
        notice('error', 'Nothing to correct: no field was changed.'),
        422,
      );
    }
    try {
      const done = await changes.correct(change);
      context.wake();
      return c.redirect(`${eventPagePath(id)}?done=corrected&removed=${done.removed.length}`, 303);
    } catch (error) {
      return refused(c, context, id, error);
    }
  });

  app.post('/admin/logs/event/:id/cancel', async (c) => {
    const id = c.req.param('id');
    const found = await changeable(c, context, id);
    if (!('changes' in found)) return found;
    try {
      const done = await found.changes.cancel();
      return c.redirect(`${eventPagePath(id)}?done=cancelled&removed=${done.removed.length}`, 303);
    } catch (error) {
      return refused(c, context, id, error);
    }
  });
}

/** What the page does to one event: read it as stored, correct it, cancel it (each audited). */
interface EventChanges {
  stored(): Promise<WritebackEvent>;
  correct(change: EventCorrection): Promise<CorrectionResult>;
  cancel(): Promise<CorrectionResult>;
}

/**
 * How the signed-in user changes an event here: through the engine's port (PostgreSQL: the
 * district's log and connector) or the data directory's connector; undefined where neither can.
 */
function eventChanges(
  c: Context<AdminEnv>,
  context: AdminContext,
  id: string,
): EventChanges | undefined {
  const { district, actor, user } = c.var;
  const events = context.events;
  if (events) {
    const { stored, correct, cancel } = events;
    if (!stored || !correct || !cancel) return undefined;
    // The history names the user; the audit log names them as the page's changes do.
    return {
      stored: async () => (await stored(district, actor, id))!,
      correct: (change) => correct(district, actor, id, change, user.email, auditActor(user)),
      cancel: () => cancel(district, actor, id, user.email, auditActor(user)),
    };
  }
  const connector = context.connector();
  if (!connector) return undefined;
  return {
    stored: async () => readStoredEvent(context.store().get(id)!.payload),
    async correct(change) {
      const done = await connector.correct(actor, id, change, user.email);
      await audit(context, c.var, {
        action: 'event.correct',
        target: `event ${id}`,
        before: done.before,
        after: done.after,
      });
      return done;
    },
    async cancel() {
      const done = await connector.cancel(actor, id, user.email);
      await audit(context, c.var, {
        action: 'event.cancel',
        target: `event ${id}`,
        before: null,
        after: { removed: done.removed },
      });
      return done;
    },
  };
}

/** The changes a user may make to a visible event, or the refusal to answer. */
async function changeable(
  c: Context<AdminEnv>,
  context: AdminContext,
  id: string,
): Promise<{ changes: EventChanges; record: WritebackRecord } | Response> {
  if (!canChange(c.var.user)) {
    return refusalPage(c, 'logs', 403, 'Support accounts are read only: nothing was changed.');
  }
  // Another district's or building's event is not there, whatever the engine.
  const changes = eventChanges(c, context, id);
  const record = changes
    ? await pageEvents(context).record(c.var.district, c.var.actor, id)
    : undefined;
  if (!changes || !record) {
    return refusalPage(c, 'logs', 404, `No event with id "${id}" among your buildings’ events.`);
  }
  return { changes, record };
}

function refused(
  c: Context<AdminEnv>,
  context: AdminContext,
  id: string,
  error: unknown,
): Response | Promise<Response> {
  if (error instanceof ConnectorError) {
    const status = error.code === 'event_not_found' ? 404 : 422;
    if (status === 404) return refusalPage(c, 'logs', 404, error.message);
    return page(c, context, id, notice('error', 'Nothing was changed.', [error.message]), 422);
  }
  if (error instanceof PowerSchoolError) {
    return page(
      c,
      context,
      id,
      notice('error', 'Nothing was changed: PowerSchool answered with an error.', [error.message]),
      422,
    );
  }
  throw error;
}

/** The form's fields that differ from the stored event, or the problems with them. */
function correctionFrom(
  form: Record<string, string | string[]>,
  current: WritebackEvent,
): EventCorrection | string[] {
  const problems: string[] = [];
  const number = (name: string, label: string): number | undefined => {
    const text = field(form, name);
    if (text === '') return undefined;
    if (!/^\d+$/.test(text)) {
      problems.push(`${label} must be a whole number, not "${text}".`);
      return undefined;
    }
    return Number(text);
  };
  const student: NonNullable<EventCorrection['student']> = {};
  const dcid = number('dcid', 'Student DCID');
  if (dcid !== undefined && dcid !== current.student.dcid) student.dcid = dcid;
  const school = number('school', 'School number');
  if (school !== undefined && school !== current.student.schoolNumber)
    student.schoolNumber = school;
  const name = field(form, 'name');
  if (name !== '' && name !== current.student.name) student.name = name;
  const grade = field(form, 'grade');
  if (grade !== '' && grade !== (current.student.grade ?? '')) student.grade = grade;
  const change: EventCorrection = {};
  if (Object.keys(student).length > 0) change.student = student;
  const at = field(form, 'occurredAt');
  if (at !== '' && at !== current.occurredAt) change.occurredAt = at;
  const reason = field(form, 'reason');
  if (reason !== '' && reason !== current.reason) change.reason = reason;
  const type = field(form, 'type');
  if (type !== '' && type !== current.type) {
    if ((EVENT_TYPES as readonly string[]).includes(type)) change.type = type as EventType;
    else problems.push(`Type "${type}" is not valid: ${EVENT_TYPES.join(', ')}.`);
  }
  return problems.length > 0 ? problems : change;
}

async function page(
  c: Context<AdminEnv>,
  context: AdminContext,
  id: string,
  result?: Markup,
  status: 200 | 422 = 200,
): Promise<Response> {
  // On PostgreSQL (context.events) the event is read in the user's district.
  const connector = context.events ? undefined : context.connector();
  const record =
    context.events || connector
      ? await pageEvents(context).record(c.var.district, c.var.actor, id)
      : undefined;
  if (!record) {
    return refusalPage(c, 'logs', 404, `No event with id "${id}" among your buildings’ events.`);
  }
  const done = c.req.query('done');
  const removed = Number(c.req.query('removed') ?? '0');
  const banner =
    done === 'corrected'
      ? notice(
          'ok',
          `Corrected: ${removed} record${removed === 1 ? '' : 's'} removed from PowerSchool; the corrected event is back in the outbox and is written in a few seconds.`,
        )
      : done === 'cancelled'
        ? notice(
            'ok',
            `Cancelled: ${removed} record${removed === 1 ? '' : 's'} removed from PowerSchool.`,
          )
        : '';
  const changes = canChange(c.var.user) ? eventChanges(c, context, id) : undefined;
  const versions = context.events
    ? ((await context.events.versions?.(c.var.district, c.var.actor, id)) ?? [])
    : connector!.versions(c.var.actor, id);
  return renderTab(
    c,
    'logs',
    `Event ${id}`,
    html`${result ?? banner}
      <p><a href="/admin/logs?event=${encodeURIComponent(id)}">Back to the Writeback Logs</a></p>
      ${summary(record)} ${history(versions)}
      ${changes ? forms(c.var, record, await changes.stored()) : ''}`,
    status,
  );
}

function summary(record: WritebackRecord): Markup {
  const written = writtenOf(record);
  return html`<dl class="card">
    <dt>Status</dt>
    <dd>${record.statusLabel}${record.error ? html`: ${record.error.message}` : ''}</dd>
    <dt>Event</dt>
    <dd>
      ${record.typeLabel} of ${record.studentName} (PS ID ${record.studentPsId ?? 'not resolved'}),
      building ${record.schoolNumber}, ${record.localDate} ${record.localTime}, reason
      ${record.reason}
    </dd>
    ${
      written.lines?.length
        ? html`<dt>In PowerSchool</dt>
            <dd>
              <ul class="records">
                ${written.lines.map((line) => html`<li>${LINE_VERBS[line.action]}: ${line.what}</li>`)}
              </ul>
            </dd>`
        : ''
    }
  </dl>`;
}

function history(versions: readonly EventVersionRow[]): Markup {
  if (versions.length === 0) return html``;
  return html`<h2>Earlier versions</h2>
    <table>
      <caption class="visually-hidden">
        Earlier versions of the event
      </caption>
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Student</th>
          <th scope="col">Date/Time</th>
          <th scope="col">Type</th>
          <th scope="col">Reason</th>
          <th scope="col">Status then</th>
          <th scope="col">Change</th>
        </tr>
      </thead>
      <tbody>
        ${versions.map((version) => {
          const event = readStoredEvent(version.payload);
          const removed = version.removed
            ? (JSON.parse(version.removed) as { what: string }[])
            : [];
          return html`<tr>
            <td>${version.version}</td>
            <td>${event.student.name} (DCID ${event.student.dcid ?? '-'})</td>
            <td>${version.local_date} ${version.local_time}</td>
            <td>${EVENT_TYPE_LABELS[event.type]}</td>
            <td>${event.reason}</td>
            <td>${version.state.replace('_', ' ')}</td>
            <td>
              ${version.change} by ${version.changed_by} at
              ${version.changed_at.slice(0, 19).replace('T', ' ')}
              UTC${removed.length > 0 ? html`; removed: ${removed.map((held) => held.what).join('; ')}` : ''}
            </td>
          </tr>`;
        })}
      </tbody>
    </table>`;
}

function forms(who: AdminEnv['Variables'], record: WritebackRecord, event: WritebackEvent): Markup {
  if (record.status === 'sending') {
    return html`<p class="hint">
      The event is being written now: it can be corrected once it has a final status.
    </p>`;
  }
  const input = (name: string, label: string, value: string, hint = '') =>
    html`<div class="field">
      <label for="fix-${name}">${label}</label>
      <input
        id="fix-${name}"
        name="${name}"
        value="${value}"
        ${hint ? html`aria-describedby="fix-${name}-hint"` : ''}
      />
      ${hint ? html`<div class="hint" id="fix-${name}-hint">${hint}</div>` : ''}
    </div>`;
  const path = eventPagePath(record.id);
  return html`<h2>Correct and re-send</h2>
    <p class="hint">
      What the event wrote is removed from PowerSchool first (a Time record is set to 0 minutes);
      then the corrected event is written. If PowerSchool refuses to remove a record, nothing is
      changed.
    </p>
    <form method="post" action="${path}/correct" class="card">
      ${csrfField(who.csrf)} ${input('dcid', 'Student DCID', String(event.student.dcid ?? ''))}
      ${input('name', 'Student name', event.student.name)}
      ${input('grade', 'Grade', event.student.grade ?? '')}
      ${input('school', 'School number', String(event.student.schoolNumber))}
      ${input('occurredAt', 'When it happened', event.occurredAt, 'ISO-8601 with the offset, e.g. 2026-10-14T09:50:00-04:00')}
      ${input('reason', 'Reason', event.reason)}
      <div class="field">
        <label for="fix-type">Type</label>
        <select id="fix-type" name="type">
          ${EVENT_TYPES.map(
            (type) =>
              html`<option value="${type}" ${type === event.type ? 'selected' : ''}>
                ${EVENT_TYPE_LABELS[type]}
              </option>`,
          )}
        </select>
      </div>
      <button type="submit">Correct and re-send</button>
    </form>
    ${
      record.error?.code === 'cancelled'
        ? ''
        : html`<h2>Cancel the event</h2>
            <form method="post" action="${path}/cancel" class="card">
              ${csrfField(who.csrf)}
              <p class="hint">
                For an event entered by mistake: what it wrote is removed from PowerSchool and it is
                marked Cancelled.
              </p>
              <button type="submit" class="secondary">Cancel the event</button>
            </form>`
    }`;
}
