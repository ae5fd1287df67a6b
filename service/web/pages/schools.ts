/**
 * School Building Setup (the guide's tab): every school the user may see, with its writeback
 * Status, Attendance Mode and one Save for the list; the guide's rule that an enabled school needs
 * a mode (checked by the connector, answered in its words); Prevent School Overrides for district
 * admins. A building admin sees only their schools, and edits them only while overrides are
 * allowed; a school number that is not theirs answers 404, whatever the form says.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import {
  ATTENDANCE_MODES,
  ConnectorError,
  canSeeSchool,
  schoolAuditView,
  setPreventSchoolOverrides,
  updateSchools,
  viewSchools,
  type AttendanceMode,
  type SchoolChange,
  type SchoolView,
} from '../../../connector/index.ts';
import { audit, refusalPage, renderTab, type AdminContext } from '../context.ts';
import { csrfField, notice, type Markup } from '../layout.ts';
import { canChange, field, type AdminEnv } from '../session.ts';
import { behavioursSection, registerSchoolBehaviours } from './school-behaviours.ts';

const MODE_LABELS: Record<AttendanceMode, string> = {
  daily: 'Daily',
  time: 'Time',
  meeting: 'Meeting',
};

export function registerSchools(app: Hono<AdminEnv>, context: AdminContext): void {
  app.get('/admin/schools', (c) =>
    renderTab(c, 'schools', 'School Building Setup', body(c.var, context)),
  );

  app.post('/admin/schools', async (c) => {
    if (!canChange(c.var.user)) {
      return refusalPage(c, 'schools', 403, 'Support accounts are read only: nothing was changed.');
    }
    const page = (result: Markup, status: 200 | 422 = 200) =>
      renderTab(c, 'schools', 'School Building Setup', body(c.var, context, result), status);
    const form = c.var.form;
    const settings = context.settings.get();
    const numbers = Object.keys(form)
      .map((key) => /^status-(\d+)$/.exec(key)?.[1])
      .filter((value): value is string => value !== undefined)
      .map(Number);
    for (const number of numbers) {
      if (!settings.schools[String(number)] || !canSeeSchool(c.var.actor, number)) {
        return refusalPage(c, 'schools', 404, `No school ${number} among your schools.`);
      }
    }
    const views = new Map(
      viewSchools(settings, c.var.actor).map((view) => [view.schoolNumber, view]),
    );
    const changes: SchoolChange[] = [];
    for (const number of numbers) {
      const view = views.get(number)!;
      const status = field(form, `status-${number}`);
      const mode = field(form, `mode-${number}`);
      if (status !== 'enabled' && status !== 'disabled') {
        return page(
          notice('error', `Status for school ${number} must be Enabled or Disabled.`),
          422,
        );
      }
      if (mode !== '' && !(ATTENDANCE_MODES as readonly string[]).includes(mode)) {
        return page(
          notice('error', `Attendance Mode "${mode}" is not valid: Daily, Time or Meeting.`),
          422,
        );
      }
      const enabled = status === 'enabled';
      const nextMode = mode === '' ? null : (mode as AttendanceMode);
      if (enabled === view.enabled && (nextMode ?? undefined) === view.mode) continue;
      changes.push({ schoolNumber: number, enabled, mode: nextMode });
    }
    try {
      if (changes.length > 0) {
        const before = changes.map((change) => schoolAuditView(views.get(change.schoolNumber)!));
        const after = await updateSchools(context.settings, c.var.actor, changes);
        const changed = new Set(changes.map((change) => change.schoolNumber));
        await audit(context, c.var, {
          action: 'school.update',
          target: `schools ${[...changed].join(', ')}`,
          before,
          after: after.filter((view) => changed.has(view.schoolNumber)).map(schoolAuditView),
        });
      }
      const message =
        changes.length === 0
          ? 'Nothing to save: no school was changed.'
          : `Saved: ${changes.length} school${changes.length === 1 ? '' : 's'} updated.`;
      return page(notice('ok', message));
    } catch (error) {
      if (!(error instanceof ConnectorError)) throw error;
      return page(notice('error', 'Not saved.', [error.message]), 422);
    }
  });

  registerSchoolBehaviours(app, context, (c, result, status) =>
    renderTab(c, 'schools', 'School Building Setup', body(c.var, context, result), status),
  );

  app.post('/admin/schools/overrides', async (c) => {
    if (c.var.user.role !== 'district_admin') {
      return refusalPage(
        c,
        'schools',
        403,
        'Only a district admin can change Prevent School Overrides.',
      );
    }
    const prevent = field(c.var.form, 'prevent') === 'on';
    const before = context.settings.get().preventSchoolOverrides;
    await setPreventSchoolOverrides(context.settings, c.var.actor, prevent);
    await audit(context, c.var, {
      action: 'settings.prevent_school_overrides',
      target: 'settings',
      before: { preventSchoolOverrides: before },
      after: { preventSchoolOverrides: prevent },
    });
    const message = prevent
      ? 'Prevent School Overrides is on: only district admins can change a school’s status or mode.'
      : 'Prevent School Overrides is off: building admins can change their schools’ status and mode.';
    return renderTab(
      c,
      'schools',
      'School Building Setup',
      body(c.var, context, notice('ok', message)),
    );
  });
}

function body(who: AdminEnv['Variables'], context: AdminContext, result?: Markup): Markup {
  const settings = context.settings.get();
  const schools = viewSchools(settings, who.actor);
  const changer = canChange(who.user);
  if (!settings.connection) {
    return html`${result ?? ''}
    ${notice('warn', 'No PowerSchool connection is saved yet: a district admin saves it on the Settings tab, and the district’s schools appear here.')}`;
  }
  const overrides =
    who.user.role === 'district_admin'
      ? html`<form method="post" action="/admin/schools/overrides" class="card">
          ${csrfField(who.csrf)}
          <div class="field">
            <input
              type="checkbox"
              id="prevent"
              name="prevent"
              ${settings.preventSchoolOverrides ? 'checked' : ''}
              aria-describedby="prevent-hint"
            />
            <label for="prevent" class="inline">Prevent School Overrides</label>
            <div id="prevent-hint" class="hint">
              On: every school is set by district admins only. Off: building admins may opt their
              school out or set its Attendance Mode.
            </div>
          </div>
          <button type="submit" class="secondary">Save Prevent School Overrides</button>
        </form>`
      : html`<p class="hint">
          Prevent School Overrides is ${settings.preventSchoolOverrides ? 'on' : 'off'}.
        </p>`;
  if (schools.length === 0) {
    return html`${result ?? ''}${overrides}${notice('warn', 'No schools to show: none of the district’s schools is assigned to you.')}`;
  }
  const anyEditable = changer && schools.some((school) => school.editable);
  return html`${result ?? ''} ${overrides}
    <p class="hint">
      An enabled school needs an Attendance Mode, and it must match the school’s attendance method
      in PowerSchool. A disabled school’s check-ins and check-outs are not written to PowerSchool.
    </p>
    <form method="post" action="/admin/schools">
      ${csrfField(who.csrf)}
      <table>
        <caption class="visually-hidden">
          Schools and their writeback settings
        </caption>
        <thead>
          <tr>
            <th scope="col">School</th>
            <th scope="col">Number</th>
            <th scope="col">Status</th>
            <th scope="col">Attendance Mode</th>
          </tr>
        </thead>
        <tbody>
          ${schools.map((school) => schoolRow(school, changer))}
        </tbody>
      </table>
      ${anyEditable ? html`<p><button type="submit">Save</button></p>` : ''}
    </form>
    ${behavioursSection(settings, who)}`;
}

function schoolRow(school: SchoolView, changer: boolean): Markup {
  const editable = changer && school.editable;
  const n = school.schoolNumber;
  const disabled = editable ? '' : html`disabled`;
  return html`<tr>
    <th scope="row">${school.name}</th>
    <td>${n}</td>
    <td>
      <label for="status-${n}" class="visually-hidden">Status of ${school.name}</label>
      <select id="status-${n}" name="status-${n}" ${disabled}>
        <option value="enabled" ${school.enabled ? 'selected' : ''}>Enabled</option>
        <option value="disabled" ${school.enabled ? '' : 'selected'}>Disabled</option>
      </select>
    </td>
    <td>
      <label for="mode-${n}" class="visually-hidden">Attendance Mode of ${school.name}</label>
      <select id="mode-${n}" name="mode-${n}" ${disabled}>
        <option value="" ${school.mode ? '' : 'selected'}>Select a mode</option>
        ${ATTENDANCE_MODES.map(
          (mode) =>
            html`<option value="${mode}" ${school.mode === mode ? 'selected' : ''}>
              ${MODE_LABELS[mode]}
            </option>`,
        )}
      </select>
      ${
        !editable && school.lockedReason && changer
          ? html`<div class="hint">${school.lockedReason}</div>`
          : ''
      }
    </td>
  </tr>`;
}
