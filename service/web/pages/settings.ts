/**
 * The Settings tab (the guide's "Settings"): PowerSchool URL, Client ID, Client Secret, Visible
 * Student ID and the DCID/ID source, and "Save and Apply to All Schools", which checks the
 * connection first and saves only when it works, answering in the guide's terms (a 401, the
 * plugin disabled, the v1 access level). The Client Secret is write-only: never sent to the
 * browser; an empty field keeps the saved one. District admins change it; support reads it.
 */
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import {
  COMMENT_PLACEHOLDERS,
  ConnectorError,
  MAX_COMMENT_TEMPLATE,
  STUDENT_ID_SOURCES,
  VISIBLE_STUDENT_IDS,
  redactSettings,
  saveConnectionSettings,
  setCommentTemplate,
  type ConnectionReport,
  type ConnectionSettings,
} from '../../../connector/index.ts';
import { audit, refusalPage, renderTab, type AdminContext } from '../context.ts';
import { csrfField, mayOpen, notice, type Markup } from '../layout.ts';
import { canChange, field, type AdminEnv } from '../session.ts';
import { savedAlertsSection } from './alerts-form.ts';

const VISIBLE_LABELS: Record<(typeof VISIBLE_STUDENT_IDS)[number], string> = {
  sis_id: 'SIS ID',
  student_number: 'Student Number',
};

const SOURCE_LABELS: Record<(typeof STUDENT_ID_SOURCES)[number], string> = {
  dcid: 'DCID (the students table’s DCID; looked up to the ID)',
  id: 'ID (already PowerSchool’s students.id)',
};

/** The form's values (never the secret). */
interface SettingsForm {
  url: string;
  clientId: string;
  visibleStudentId: string;
  studentIdSource: string;
}

function formOf(connection: ConnectionSettings | undefined): SettingsForm {
  return {
    url: connection?.url ?? '',
    clientId: connection?.clientId ?? '',
    visibleStudentId: connection?.visibleStudentId ?? 'sis_id',
    studentIdSource: connection?.studentIdSource ?? 'dcid',
  };
}

export function registerSettings(app: Hono<AdminEnv>, context: AdminContext): void {
  app.get('/admin/settings', (c) => {
    if (!mayOpen(c.var.user, 'settings')) return notForBuildingAdmins(c);
    return renderSettings(c, context);
  });

  app.post('/admin/settings', async (c) => {
    if (!mayOpen(c.var.user, 'settings')) return notForBuildingAdmins(c);
    if (!canChange(c.var.user) || c.var.user.role !== 'district_admin') {
      return refusalPage(c, 'settings', 403, 'Only a district admin can save the settings.');
    }
    const form = c.var.form;
    const saved = context.settings.get().connection;
    const entered: SettingsForm = {
      url: field(form, 'url'),
      clientId: field(form, 'clientId'),
      visibleStudentId: field(form, 'visibleStudentId'),
      studentIdSource: field(form, 'studentIdSource'),
    };
    // Write-only: an empty secret keeps the saved one.
    const secret = field(form, 'clientSecret') || saved?.clientSecret || '';
    const before = redactSettings(context.settings.get()).connection ?? null;
    try {
      const result = await saveConnectionSettings({
        settings: context.settings,
        actor: c.var.actor,
        input: { ...entered, clientSecret: secret },
        clock: { now: context.now },
      });
      if (!result.saved) {
        return renderSettings(c, context, {
          values: entered,
          result: failedCheck(result.report),
          status: 502,
        });
      }
      await audit(context, c.var, {
        action: 'settings.save',
        target: 'settings',
        before,
        after: result.settings.connection ?? null,
      });
      context.reconnect();
      return renderSettings(c, context, { result: passedCheck(result.report) });
    } catch (error) {
      if (!(error instanceof ConnectorError)) throw error;
      const items = error.details.length > 0 ? [...error.details] : [error.message];
      return renderSettings(c, context, {
        values: entered,
        result: notice('error', 'Settings not saved.', items),
        status: 422,
      });
    }
  });
}

/** The source stamp form's route (its own Save: no connection check needed). */
export function registerCommentTemplate(app: Hono<AdminEnv>, context: AdminContext): void {
  app.post('/admin/settings/comment', async (c) => {
    if (!mayOpen(c.var.user, 'settings')) return notForBuildingAdmins(c);
    if (c.var.user.role !== 'district_admin') {
      return refusalPage(c, 'settings', 403, 'Only a district admin can change the settings.');
    }
    const text = field(c.var.form, 'commentTemplate');
    const before = context.settings.get().commentTemplate ?? null;
    try {
      const saved = await setCommentTemplate(
        context.settings,
        c.var.actor,
        text === '' ? null : text,
      );
      await audit(context, c.var, {
        action: 'settings.comment_template',
        target: 'settings',
        before: { commentTemplate: before },
        after: { commentTemplate: saved.commentTemplate ?? null },
      });
      const message = saved.commentTemplate
        ? 'Saved: each new record’s comment follows the template.'
        : 'Saved: records get the default comment (the event’s own, else “Late Check-in at 08:40”).';
      return renderSettings(c, context, { result: notice('ok', message) });
    } catch (error) {
      if (!(error instanceof ConnectorError)) throw error;
      return renderSettings(c, context, {
        result: notice('error', 'Comment template not saved.', [error.message]),
        template: text,
        status: 422,
      });
    }
  });
}

/** What a Settings page shows beyond what is saved: entered values, a result, a status. */
interface SettingsView {
  /** The connection form's values (default: as saved). */
  values?: SettingsForm;
  /** A notice above the forms. */
  result?: Markup;
  /** The comment template field's text (default: as saved). */
  template?: string;
  /** The failure alerts card (default: as saved). */
  alerts?: Markup;
  status?: 200 | 422 | 502;
}

/** The Settings tab: what is saved, with what the request changed or was refused. */
export function renderSettings(
  c: Context<AdminEnv>,
  context: AdminContext,
  view: SettingsView = {},
): Response | Promise<Response> {
  const connection = context.settings.get().connection;
  return renderTab(
    c,
    'settings',
    'Settings',
    settingsBody(c.var, {
      values: view.values ?? formOf(connection),
      secretSaved: connection !== undefined,
      result: view.result,
      template: view.template ?? context.settings.get().commentTemplate ?? '',
      alerts:
        context.alertSettings === false
          ? html``
          : (view.alerts ?? savedAlertsSection(c.var, context)),
    }),
    view.status ?? 200,
  );
}

function notForBuildingAdmins(c: Parameters<typeof refusalPage>[0]) {
  return refusalPage(
    c,
    'overview',
    403,
    'The Settings tab is for district admins: the PowerSchool connection applies to every school. Building admins use School Building Setup and the Writeback Logs.',
  );
}

function passedCheck(report: ConnectionReport | undefined): Markup {
  if (!report) return notice('ok', 'Saved and applied to all schools.');
  return notice(
    'ok',
    'Saved and applied to all schools: the connection works.',
    report.steps.map((step) => step.detail),
  );
}

/** A failed connection check in the guide's words; `what` says what was not done. */
export function failedCheck(
  report: ConnectionReport | undefined,
  what = 'Settings not saved',
): Markup {
  const problem = report?.problem;
  if (!problem) return notice('error', `${what}: the connection check failed.`);
  return html`<div class="alert" role="alert">
    <strong>${what}: the connection check failed.</strong>
    <dl>
      <dt>PowerSchool answered</dt>
      <dd>${problem.message}</dd>
      <dt>What it means</dt>
      <dd>${problem.meaning}</dd>
      <dt>How to resolve it</dt>
      <dd>
        <ul>
          ${problem.resolution.map((step) => html`<li>${step}</li>`)}
        </ul>
      </dd>
    </dl>
  </div>`;
}

function settingsBody(
  who: AdminEnv['Variables'],
  {
    values,
    secretSaved,
    result,
    template,
    alerts,
  }: {
    values: SettingsForm;
    secretSaved: boolean;
    result: Markup | undefined;
    template: string;
    alerts: Markup;
  },
): Markup {
  const editable = who.user.role === 'district_admin';
  const disabled = editable ? '' : html`disabled`;
  const secretHint = secretSaved
    ? 'A secret is saved. Leave this empty to keep it; it is never shown.'
    : "From the plugin's Data Provider Configuration in PowerSchool.";
  return html`${result ?? ''}
    ${editable ? '' : notice('warn', 'Read only: only a district admin can change the settings.')}
    <form method="post" action="/admin/settings" class="card" novalidate>
      ${csrfField(who.csrf)}
      <div class="field">
        <label for="url">PowerSchool URL</label>
        <input
          id="url"
          name="url"
          type="text"
          inputmode="url"
          autocomplete="url"
          size="48"
          value="${values.url}"
          aria-describedby="url-hint"
          ${disabled}
        />
        <div id="url-hint" class="hint">
          The base URL you use to log into the PowerSchool Admin Portal: https, no trailing slash,
          no path. Correct: <code>https://sample-district.powerschool.com</code>. Incorrect:
          <code>https://sample-district.powerschool.com/</code> and
          <code>https://sample-district.powerschool.com/admin</code>.
        </div>
      </div>
      <div class="row">
        <div class="field">
          <label for="clientId">Client ID</label>
          <input
            id="clientId"
            name="clientId"
            type="text"
            autocomplete="off"
            size="40"
            value="${values.clientId}"
            aria-describedby="client-hint"
            ${disabled}
          />
        </div>
        <div class="field">
          <label for="clientSecret">Client Secret</label>
          <input
            id="clientSecret"
            name="clientSecret"
            type="password"
            autocomplete="new-password"
            size="40"
            value=""
            aria-describedby="secret-hint"
            ${disabled}
          />
          <div id="secret-hint" class="hint">${secretHint}</div>
        </div>
      </div>
      <p id="client-hint" class="hint">
        Both are in the Navigate360 Attendance Access plugin’s Data Provider Configuration in
        PowerSchool.
      </p>
      <div class="row">
        <div class="field">
          <label for="visibleStudentId">Visible Student ID</label>
          <select id="visibleStudentId" name="visibleStudentId" ${disabled}>
            ${VISIBLE_STUDENT_IDS.map(
              (value) =>
                html`<option
                  value="${value}"
                  ${value === values.visibleStudentId ? 'selected' : ''}
                >
                  ${VISIBLE_LABELS[value]}
                </option>`,
            )}
          </select>
        </div>
        <div class="field">
          <label for="studentIdSource">Student IDs in events are</label>
          <select id="studentIdSource" name="studentIdSource" ${disabled}>
            ${STUDENT_ID_SOURCES.map(
              (value) =>
                html`<option value="${value}" ${value === values.studentIdSource ? 'selected' : ''}>
                  ${SOURCE_LABELS[value]}
                </option>`,
            )}
          </select>
        </div>
      </div>
      ${editable ? html`<button type="submit">Save and Apply to All Schools</button>` : ''}
    </form>
    <form method="post" action="/admin/settings/comment" class="card">
      ${csrfField(who.csrf)}
      <h2>Record comment</h2>
      <div class="field">
        <label for="commentTemplate">Comment on each record written to PowerSchool</label>
        <input
          id="commentTemplate"
          name="commentTemplate"
          type="text"
          size="60"
          maxlength="${MAX_COMMENT_TEMPLATE}"
          value="${template}"
          aria-describedby="comment-hint"
          ${disabled}
        />
        <div id="comment-hint" class="hint">
          Shown as the record’s comment in PowerSchool, so staff see where it came from, e.g.
          <code>VM {type} {time} by front office</code>. It may use
          ${COMMENT_PLACEHOLDERS.map((name) => `{${name}}`).join(', ')}. Leave it empty for the
          default: the event’s own comment, else “Late Check-in at 08:40”.
        </div>
      </div>
      ${editable ? html`<button type="submit" class="secondary">Save comment</button>` : ''}
    </form>
    ${alerts}`;
}
