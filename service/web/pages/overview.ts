/**
 * Overview: the outbox's depth and age, successes and failures today (district-local, in the
 * user's buildings), the last error with what it means, and the connection's and workers' state.
 * On PostgreSQL: the district's own outbox and pause; for a service operator, every district's.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { ConnectorError, toDistrictLocalTime } from '../../../connector/index.ts';
import type { DistrictState } from '../../../connector/store/pg/index.ts';
import {
  pageEvents,
  refusalPage,
  renderTab,
  type AdminContext,
  type NewDistrict,
} from '../context.ts';
import { csrfField, notice, type Markup } from '../layout.ts';
import { field, type AdminEnv } from '../session.ts';
import { failedCheck } from './settings.ts';

export function registerOverview(app: Hono<AdminEnv>, context: AdminContext): void {
  app.get('/admin', async (c) => {
    if (c.var.user.role === 'operator' && context.districts) {
      const added = c.req.query('added');
      const banner = added
        ? notice(
            'ok',
            `District ${added} added: add its first district admin with pswb users add --district ${added}.`,
          )
        : html``;
      return renderTab(c, 'overview', 'Overview', await operatorBody(c.var, context, banner));
    }
    return renderTab(c, 'overview', 'Overview', await body(c.var, context));
  });

  const add = context.districts?.add;
  if (!add) return;
  // A service operator adds a district (PostgreSQL): its connection is checked first.
  app.post('/admin/districts', async (c) => {
    if (c.var.user.role !== 'operator') {
      return refusalPage(c, 'overview', 403, 'Only a service operator adds districts.');
    }
    const form = c.var.form;
    const entered: NewDistrict = {
      id: field(form, 'id'),
      name: field(form, 'name'),
      url: field(form, 'url'),
      clientId: field(form, 'clientId'),
      clientSecret: field(form, 'clientSecret'),
    };
    const refused = async (result: Markup, status: 422 | 502) =>
      renderTab(
        c,
        'overview',
        'Overview',
        await operatorBody(c.var, context, result, entered),
        status,
      );
    try {
      const done = await add(entered, c.var.user);
      if (done.added) return c.redirect(`/admin?added=${encodeURIComponent(entered.id)}`, 303);
      return refused(failedCheck(done.report, 'The district was not added'), 502);
    } catch (error) {
      if (!(error instanceof ConnectorError)) throw error;
      return refused(notice('error', 'The district was not added.', [error.message]), 422);
    }
  });
}

async function operatorBody(
  who: AdminEnv['Variables'],
  context: AdminContext,
  banner: Markup,
  values: Partial<NewDistrict> = {},
): Promise<Markup> {
  const table = districtsBody(await context.districts!.states(), context.now());
  if (!context.districts!.add) return html`${banner}${table}`;
  const input = (name: keyof NewDistrict, label: string, hint: string, type = 'text') =>
    html`<div class="field">
      <label for="d-${name}">${label}</label>
      <input
        id="d-${name}"
        name="${name}"
        type="${type}"
        value="${type === 'password' ? '' : (values[name] ?? '')}"
        aria-describedby="d-${name}-hint"
        autocomplete="${type === 'password' ? 'new-password' : 'off'}"
      />
      <div class="hint" id="d-${name}-hint">${hint}</div>
    </div>`;
  return html`${banner}${table}
    <h2 id="h-add">Add a district</h2>
    <form method="post" action="/admin/districts" class="card" aria-labelledby="h-add">
      ${csrfField(who.csrf)}
      ${input('id', 'District id', 'Lower-case letters, digits and dashes, e.g. lincoln-usd.')}
      ${input('name', 'Name', 'As its admins know it, e.g. Lincoln USD.')}
      ${input('url', 'PowerSchool URL', 'e.g. https://lincoln.powerschool.com')}
      ${input('clientId', 'Client ID', 'From the plugin installed in its PowerSchool.')}
      ${input('clientSecret', 'Client Secret', 'Stored sealed; never shown again.', 'password')}
      <button type="submit">Check the connection and add</button>
    </form>`;
}

/** The service operator's overview: each district's outbox and whether it is paused. */
function districtsBody(states: readonly DistrictState[], now: Date): Markup {
  if (states.length === 0) {
    return html`<p>
      No district yet: add one below, or with
      <code>pswb districts add ID --from-data-dir DIR</code>.
    </p>`;
  }
  return html`<table>
    <caption>
      Districts (${states.length})
    </caption>
    <thead>
      <tr>
        <th scope="col">District</th>
        <th scope="col">Waiting in the outbox</th>
        <th scope="col">Oldest waiting</th>
        <th scope="col">Writing</th>
      </tr>
    </thead>
    <tbody>
      ${states.map(
        (state) =>
          html`<tr>
            <td>${state.name} (<code>${state.id}</code>)</td>
            <td>${state.pending + state.sending}</td>
            <td>${ageText(oldestAge(state, now))}</td>
            <td>${stateText(state, now)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function oldestAge(state: DistrictState, now: Date): number | null {
  return state.oldestPendingAt === null
    ? null
    : Math.max(0, (now.getTime() - Date.parse(state.oldestPendingAt)) / 1000);
}

function ageText(seconds: number | null): string {
  return seconds === null ? '–' : `${Math.round(seconds)} s`;
}

/** "Writing, up to 4 at once", or "Paused until 14:05:00 UTC: <reason>". */
function stateText(state: DistrictState, now: Date): string {
  if (state.pausedUntil !== null && Date.parse(state.pausedUntil) > now.getTime()) {
    return `Paused until ${state.pausedUntil.slice(11, 19)} UTC: ${state.pauseReason ?? 'its PowerSchool was unavailable'}`;
  }
  return `Writing, up to ${state.concurrency} at once per worker`;
}

async function body(who: AdminEnv['Variables'], context: AdminContext): Promise<Markup> {
  const events = pageEvents(context);
  const settings = await events.settings(who.district);
  // PostgreSQL: the district's own outbox and pause; a data directory: the service's health.
  const state = context.districts
    ? (await context.districts.states()).find((entry) => entry.id === who.district)
    : undefined;
  const health = state ? undefined : context.health();
  const today = toDistrictLocalTime(context.now(), settings.districtTimezone ?? 'UTC').date;
  const logs = (filter: Parameters<typeof events.logs>[2]) =>
    events.logs(who.district, who.actor, filter);
  const [successful, failed, lastFailures] = await Promise.all([
    logs({ status: 'successful', from: today, to: today, pageSize: 1 }),
    logs({ status: 'failed', from: today, to: today, pageSize: 1 }),
    logs({ status: 'failed', pageSize: 1 }),
  ]);
  const lastFailure = lastFailures.records[0];
  const waiting = state
    ? state.pending + state.sending
    : health!.queue.pending + health!.queue.sending;
  const age = state ? oldestAge(state, context.now()) : health!.queue.oldestPendingAgeSeconds;
  const writing = state
    ? html`Writebacks: ${stateText(state, context.now())}.`
    : html`Writebacks: ${health!.workers.alive} of ${health!.workers.configured}
      worker${health!.workers.configured === 1 ? '' : 's'}
      running${health!.lastSuccessAt ? html`, last success ${health!.lastSuccessAt.slice(11, 19)} UTC` : ''}.`;
  const connection = settings.connection
    ? html`<p>
        Connected to <strong>${settings.connection.url}</strong>${
          settings.powerschoolVersion ? html` (PowerSchool ${settings.powerschoolVersion})` : ''
        }${settings.savedAt ? html`, saved ${settings.savedAt.slice(0, 16).replace('T', ' ')} UTC` : ''}.
        ${writing}
      </p>`
    : notice(
        'warn',
        'Not connected: no PowerSchool connection is saved. A district admin saves it on the Settings tab.',
      );
  return html`<section aria-labelledby="h-today">
      <h2 id="h-today">Today (${today})</h2>
      <div class="stats">
        <div class="stat"><span class="n">${successful.total}</span> successful writebacks</div>
        <div class="stat"><span class="n">${failed.total}</span> failed writebacks</div>
        <div class="stat"><span class="n">${waiting}</span> waiting in the outbox</div>
        <div class="stat"><span class="n">${ageText(age)}</span> oldest waiting event</div>
      </div>
    </section>
    <section aria-labelledby="h-connection">
      <h2 id="h-connection">Connection</h2>
      ${connection}
    </section>
    <section aria-labelledby="h-last">
      <h2 id="h-last">Last error</h2>
      ${
        lastFailure?.error
          ? html`<div class="card">
              <p>
                <strong>${lastFailure.studentName}</strong>, ${lastFailure.typeLabel}
                ${lastFailure.localDate} ${lastFailure.localTime}, building
                ${lastFailure.schoolNumber}
              </p>
              <p>PowerSchool: ${lastFailure.error.message}</p>
              <p>${lastFailure.error.meaning}</p>
              <p><a href="/admin/logs?status=failed">See the failed writebacks</a></p>
            </div>`
          : html`<p>No failed writebacks.</p>`
      }
    </section>`;
}
