/**
 * Reasons (the guide's Student Tracking codes): for each school the user may see, import its
 * PowerSchool attendance codes for the current year, and map them as Late Check-in and Early
 * Check-out reasons; a warning when mapped codes belong to another year than the current term
 * (PowerSchool then refuses the record: "doesn't match the term's year value").
 */
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import {
  ConnectorError,
  canSeeSchool,
  mapReasonCodes,
  reasonsAuditView,
  schoolYearLabel,
  viewSchools,
  type ReasonYearWarning,
  type SchoolReasons,
  type SchoolView,
} from '../../../connector/index.ts';
import { audit, refusalPage, renderTab, type AdminContext } from '../context.ts';
import { csrfField, notice, type Markup } from '../layout.ts';
import { canChange, fieldList, type AdminEnv } from '../session.ts';

export function registerReasons(app: Hono<AdminEnv>, context: AdminContext): void {
  app.get('/admin/reasons', async (c) =>
    renderTab(c, 'reasons', 'Reasons', await body(c.var, context)),
  );

  app.post('/admin/reasons/:school/import', async (c) => {
    const { school, refusal } = editableSchool(c, context);
    if (refusal) return refusal;
    const connector = context.connector();
    if (!connector) {
      return renderTab(
        c,
        'reasons',
        'Reasons',
        await body(
          c.var,
          context,
          notice('error', 'No PowerSchool connection is saved: save it on the Settings tab first.'),
        ),
        409,
      );
    }
    const before = context.settings.get().reasons[String(school)] ?? null;
    try {
      const result = await connector.importAttendanceCodes(c.var.actor, { schoolNumber: school });
      await audit(context, c.var, {
        action: 'reasons.import',
        target: `school ${school}`,
        before: before && reasonsAuditView(before),
        after: reasonsAuditView(context.settings.get().reasons[String(school)]!),
      });
      const items = [
        `Late Check-in: ${result.lateCheckin.join(', ') || '(none)'}; Early Check-out: ${result.earlyCheckout.join(', ') || '(none)'}.`,
        ...result.warnings,
      ];
      return renderTab(
        c,
        'reasons',
        'Reasons',
        await body(
          c.var,
          context,
          notice(
            'ok',
            `Imported ${result.codes.length} codes of school ${school} for ${schoolYearLabel(result.yearid)}.`,
            items,
          ),
        ),
      );
    } catch (error) {
      if (!(error instanceof ConnectorError)) throw error;
      return renderTab(
        c,
        'reasons',
        'Reasons',
        await body(
          c.var,
          context,
          notice('error', `Codes of school ${school} not imported.`, [error.message]),
        ),
        502,
      );
    }
  });

  app.post('/admin/reasons/:school/map', async (c) => {
    const { school, refusal } = editableSchool(c, context);
    if (refusal) return refusal;
    const before = context.settings.get().reasons[String(school)] ?? null;
    try {
      const saved = await mapReasonCodes(context.settings, c.var.actor, school, {
        late: fieldList(c.var.form, 'late'),
        early: fieldList(c.var.form, 'early'),
      });
      await audit(context, c.var, {
        action: 'reasons.map',
        target: `school ${school}`,
        before: before && reasonsAuditView(before),
        after: reasonsAuditView(saved),
      });
      return renderTab(
        c,
        'reasons',
        'Reasons',
        await body(c.var, context, notice('ok', `Saved the reasons of school ${school}.`)),
      );
    } catch (error) {
      if (!(error instanceof ConnectorError)) throw error;
      return renderTab(
        c,
        'reasons',
        'Reasons',
        await body(c.var, context, notice('error', 'Not saved.', [error.message])),
        422,
      );
    }
  });
}

/**
 * The route's school when the user may change its reasons: a school that is not theirs (or not
 * the district's) answers 404, a support account 403.
 */
function editableSchool(
  c: Context<AdminEnv>,
  context: AdminContext,
):
  | { school: number; refusal?: undefined }
  | { school?: undefined; refusal: ReturnType<typeof refusalPage> } {
  const text = c.req.param('school') ?? '';
  const school = /^\d{1,9}$/.test(text) ? Number(text) : undefined;
  if (school === undefined || !knownSchool(context, c.var.actor, school)) {
    return { refusal: refusalPage(c, 'reasons', 404, `No school ${text} among your schools.`) };
  }
  if (!canChange(c.var.user)) {
    return {
      refusal: refusalPage(
        c,
        'reasons',
        403,
        'Support accounts are read only: nothing was changed.',
      ),
    };
  }
  return { school };
}

function knownSchool(
  context: AdminContext,
  actor: AdminEnv['Variables']['actor'],
  school: number,
): boolean {
  return (
    context.settings.get().schools[String(school)] !== undefined && canSeeSchool(actor, school)
  );
}

async function body(
  who: AdminEnv['Variables'],
  context: AdminContext,
  result?: Markup,
): Promise<Markup> {
  const settings = context.settings.get();
  if (!settings.connection) {
    return html`${result ?? ''}${notice('warn', 'No PowerSchool connection is saved yet: a district admin saves it on the Settings tab first.')}`;
  }
  const schools = viewSchools(settings, who.actor);
  const warnings = await yearWarnings(context, who);
  return html`${result ?? ''}
    ${
      warnings.failed
        ? notice('warn', 'The codes’ school years could not be checked just now.', [
            warnings.failed,
          ])
        : ''
    }
    ${
      warnings.list.length > 0
        ? notice(
            'warn',
            'Mapped reasons from another school year',
            warnings.list.map((warning) => warning.message),
          )
        : ''
    }
    <p class="hint">
      Import a school’s attendance codes from PowerSchool for the current school year, then tick the
      codes that front-office staff pick as Late Check-in and Early Check-out reasons. Import again
      at the start of each school year: last year’s codes are refused by PowerSchool.
    </p>
    ${schools.map((school) => schoolCard(who, school, settings.reasons[String(school.schoolNumber)]))}`;
}

async function yearWarnings(
  context: AdminContext,
  who: AdminEnv['Variables'],
): Promise<{ list: ReasonYearWarning[]; failed?: string }> {
  const connector = context.connector();
  if (!connector) return { list: [] };
  try {
    return { list: await connector.checkReasonYears(who.actor) };
  } catch (error) {
    return { list: [], failed: error instanceof Error ? error.message : String(error) };
  }
}

function schoolCard(
  who: AdminEnv['Variables'],
  school: SchoolView,
  reasons: SchoolReasons | undefined,
): Markup {
  const n = school.schoolNumber;
  const changer = canChange(who.user);
  const heading = `${school.name} (${n})`;
  return html`<section class="card" aria-labelledby="school-${n}">
    <h2 id="school-${n}">${heading}</h2>
    ${
      reasons
        ? html`<p>
            ${reasons.codes.length} codes imported for ${schoolYearLabel(reasons.yearid)} on
            ${reasons.importedAt.slice(0, 10)}.
          </p>`
        : html`<p>No attendance codes imported yet.</p>`
    }
    ${
      changer
        ? html`<form method="post" action="/admin/reasons/${n}/import">
            ${csrfField(who.csrf)}
            <button type="submit" class="secondary">
              Import codes<span class="visually-hidden"> of ${heading}</span>
            </button>
          </form>`
        : ''
    }
    ${reasons ? mappingForm(who, n, heading, reasons, changer) : ''}
  </section>`;
}

function mappingForm(
  who: AdminEnv['Variables'],
  n: number,
  heading: string,
  reasons: SchoolReasons,
  changer: boolean,
): Markup {
  const disabled = changer ? '' : html`disabled`;
  const boxes = (name: 'late' | 'early', mapped: string[]) =>
    reasons.codes.map(
      (code) =>
        html`<div>
          <input
            type="checkbox"
            id="${name}-${n}-${code.attCode}"
            name="${name}"
            value="${code.attCode}"
            ${mapped.includes(code.attCode) ? 'checked' : ''}
            ${disabled}
          />
          <label class="inline" for="${name}-${n}-${code.attCode}"
            >${code.attCode}: ${code.description}</label
          >
        </div>`,
    );
  return html`<form method="post" action="/admin/reasons/${n}/map">
    ${csrfField(who.csrf)}
    <div class="row">
      <fieldset>
        <legend>Late Check-in reasons</legend>
        ${boxes('late', reasons.lateCheckin)}
      </fieldset>
      <fieldset>
        <legend>Early Check-out reasons</legend>
        ${boxes('early', reasons.earlyCheckout)}
      </fieldset>
    </div>
    ${
      changer
        ? html`<button type="submit">
            Save reasons<span class="visually-hidden"> of ${heading}</span>
          </button>`
        : ''
    }
  </form>`;
}
