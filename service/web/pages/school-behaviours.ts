/**
 * School Building Setup's "Beyond the guide" section: one card per school with its behaviours
 * (connector/setup/school-behaviours.ts): periods missed in Meeting mode, what to do with a
 * teacher's existing mark, and what a return to school after an early check-out updates. Each
 * is off by default (the guide). Same rule as the school's status: a building admin edits their
 * own schools while Prevent School Overrides is off; another school's number answers 404.
 */
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import {
  ConnectorError,
  EXISTING_POLICIES,
  EXISTING_POLICY_LABELS,
  RETURN_POLICIES,
  RETURN_POLICY_LABELS,
  behavioursAuditView,
  canSeeSchool,
  effectiveBehaviours,
  setSchoolBehaviours,
  viewSchools,
  type BehavioursChange,
  type ConnectorSettings,
  type ExistingPolicy,
  type ReturnPolicy,
  type SchoolView,
} from '../../../connector/index.ts';
import { audit, refusalPage, type AdminContext } from '../context.ts';
import { csrfField, notice, type Markup } from '../layout.ts';
import { canChange, field, fieldList, type AdminEnv } from '../session.ts';

/** POST /admin/schools/behaviours: one school's behaviours from its card. */
export function registerSchoolBehaviours(
  app: Hono<AdminEnv>,
  context: AdminContext,
  page: (c: Context<AdminEnv>, result: Markup, status: 200 | 422) => Response | Promise<Response>,
): void {
  app.post('/admin/schools/behaviours', async (c) => {
    if (!canChange(c.var.user)) {
      return refusalPage(c, 'schools', 403, 'Support accounts are read only: nothing was changed.');
    }
    const form = c.var.form;
    const number = Number(field(form, 'school'));
    const settings = context.settings.get();
    if (
      !Number.isInteger(number) ||
      !settings.schools[String(number)] ||
      !canSeeSchool(c.var.actor, number)
    ) {
      return refusalPage(
        c,
        'schools',
        404,
        `No school ${field(form, 'school')} among your schools.`,
      );
    }
    const existing = field(form, 'existing');
    const returning = field(form, 'returnToSchool');
    const change: BehavioursChange = {
      missedBefore: field(form, 'missedBefore') || null,
      missedAfter: field(form, 'missedAfter') || null,
      // Checked against the valid values by the connector, which names them.
      existing: (existing || null) as ExistingPolicy | null,
      overwritable: fieldList(form, 'overwritable'),
      returnToSchool: (returning || null) as ReturnPolicy | null,
      returnCode: field(form, 'returnCode') || null,
    };
    const before = settings.schools[String(number)]!.behaviours;
    try {
      const after = await setSchoolBehaviours(context.settings, c.var.actor, number, change);
      await audit(context, c.var, {
        action: 'school.behaviours',
        target: `school ${number}`,
        before: behavioursAuditView(before),
        after: behavioursAuditView(after),
      });
      return page(c, notice('ok', `Saved: the behaviours of school ${number}.`), 200);
    } catch (error) {
      if (!(error instanceof ConnectorError)) throw error;
      return page(c, notice('error', 'Not saved.', [error.message]), 422);
    }
  });
}

/** The section under the schools table. */
export function behavioursSection(settings: ConnectorSettings, who: AdminEnv['Variables']): Markup {
  const schools = viewSchools(settings, who.actor);
  if (schools.length === 0) return html``;
  return html`<h2 id="beyond">Beyond the guide</h2>
    <p class="hint">
      Each school may write more than the guide’s one record per event. Every choice is off by
      default, which is the guide’s behaviour. Codes are the school’s imported attendance codes
      (Reasons tab).
    </p>
    ${schools.map((school) => schoolCard(settings, school, who))}`;
}

function options<T extends string>(
  values: readonly T[],
  labels: Record<T, string>,
  selected: T,
): Markup[] {
  return values.map(
    (value) =>
      html`<option value="${value}" ${value === selected ? 'selected' : ''}>
        ${labels[value]}
      </option>`,
  );
}

function schoolCard(
  settings: ConnectorSettings,
  school: SchoolView,
  who: AdminEnv['Variables'],
): Markup {
  const n = school.schoolNumber;
  const now = effectiveBehaviours(settings, n);
  const codes = settings.reasons[String(n)]?.codes ?? [];
  const editable = canChange(who.user) && school.editable;
  const disabled = editable ? '' : html`disabled`;
  const codeSelect = (name: string, label: string, value: string | undefined, none: string) =>
    html`<div class="field">
      <label for="${name}-${n}">${label}</label>
      <select id="${name}-${n}" name="${name}" ${disabled}>
        <option value="" ${value ? '' : 'selected'}>${none}</option>
        ${codes.map(
          (code) =>
            html`<option value="${code.attCode}" ${value === code.attCode ? 'selected' : ''}>
              ${code.attCode} (${code.description})
            </option>`,
        )}
      </select>
    </div>`;
  const summary = [
    now.missedBefore || now.missedAfter ? 'missed periods' : '',
    now.existing !== 'overwrite' ? 'keeps teachers’ marks' : '',
    now.returnToSchool !== 'separate' ? 'return to school' : '',
  ].filter(Boolean);
  return html`<details class="card">
    <summary>
      ${school.name} (${n}): ${summary.length > 0 ? summary.join(', ') : 'the guide’s behaviour'}
    </summary>
    <form method="post" action="/admin/schools/behaviours">
      ${csrfField(who.csrf)}
      <input type="hidden" name="school" value="${n}" />
      ${
        codes.length === 0
          ? html`<p class="hint">
              Import this school’s attendance codes on the Reasons tab to choose codes here.
            </p>`
          : ''
      }
      <fieldset>
        <legend>Meeting mode: periods missed</legend>
        ${codeSelect('missedBefore', 'Before a late check-in, mark each earlier period', now.missedBefore, 'No: the current period only')}
        ${codeSelect('missedAfter', 'After an early check-out, mark each later period', now.missedAfter, 'No: the current period only')}
      </fieldset>
      <fieldset>
        <legend>Existing attendance (a teacher’s mark)</legend>
        <div class="field">
          <label for="existing-${n}"
            >When PowerSchool already holds a record pswb did not write</label
          >
          <select id="existing-${n}" name="existing" ${disabled}>
            ${options(EXISTING_POLICIES, EXISTING_POLICY_LABELS, now.existing)}
          </select>
        </div>
        ${
          codes.length > 0
            ? html`<div class="field" role="group" aria-labelledby="overwritable-${n}">
                <span id="overwritable-${n}"
                  >Codes pswb may overwrite (with “only the listed codes”)</span
                >
                ${codes.map(
                  (code) =>
                    html`<span class="inline-choice">
                      <input
                        type="checkbox"
                        id="overwritable-${n}-${code.attCode}"
                        name="overwritable"
                        value="${code.attCode}"
                        ${now.overwritable.includes(code.attCode) ? 'checked' : ''}
                        ${disabled}
                      />
                      <label for="overwritable-${n}-${code.attCode}" class="inline"
                        >${code.attCode}</label
                      >
                    </span>`,
                )}
              </div>`
            : ''
        }
      </fieldset>
      <fieldset>
        <legend>Return to school after an early check-out</legend>
        <div class="field">
          <label for="returnToSchool-${n}">A check-in later the same day</label>
          <select id="returnToSchool-${n}" name="returnToSchool" ${disabled}>
            ${options(RETURN_POLICIES, RETURN_POLICY_LABELS, now.returnToSchool)}
          </select>
          <div class="hint">Time mode recomputes the check-out’s minutes with either update.</div>
        </div>
        ${codeSelect('returnCode', 'Code for “change”', now.returnCode, 'None')}
      </fieldset>
      ${editable ? html`<button type="submit" class="secondary">Save the behaviours of ${school.name}</button>` : school.lockedReason && canChange(who.user) ? html`<p class="hint">${school.lockedReason}</p>` : ''}
    </form>
  </details>`;
}
