/**
 * Overview: the outbox's depth and age, successes and failures today (district-local, in the
 * user's buildings), the last error with what it means, and the connection's and workers' state.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { toDistrictLocalTime } from '../../../connector/index.ts';
import { pageEvents, renderTab, type AdminContext } from '../context.ts';
import { notice, type Markup } from '../layout.ts';
import type { AdminEnv } from '../session.ts';

export function registerOverview(app: Hono<AdminEnv>, context: AdminContext): void {
  app.get('/admin', async (c) => renderTab(c, 'overview', 'Overview', await body(c.var, context)));
}

async function body(who: AdminEnv['Variables'], context: AdminContext): Promise<Markup> {
  const events = pageEvents(context);
  const settings = await events.settings(who.district);
  const health = context.health();
  const today = toDistrictLocalTime(context.now(), settings.districtTimezone ?? 'UTC').date;
  const logs = (filter: Parameters<typeof events.logs>[2]) =>
    events.logs(who.district, who.actor, filter);
  const [successful, failed, lastFailures] = await Promise.all([
    logs({ status: 'successful', from: today, to: today, pageSize: 1 }),
    logs({ status: 'failed', from: today, to: today, pageSize: 1 }),
    logs({ status: 'failed', pageSize: 1 }),
  ]);
  const lastFailure = lastFailures.records[0];
  const age = health.queue.oldestPendingAgeSeconds;
  const connection = settings.connection
    ? html`<p>
        Connected to <strong>${settings.connection.url}</strong>${
          settings.powerschoolVersion ? html` (PowerSchool ${settings.powerschoolVersion})` : ''
        }${settings.savedAt ? html`, saved ${settings.savedAt.slice(0, 16).replace('T', ' ')} UTC` : ''}.
        Writebacks: ${health.workers.alive} of ${health.workers.configured}
        worker${health.workers.configured === 1 ? '' : 's'}
        running${health.lastSuccessAt ? html`, last success ${health.lastSuccessAt.slice(11, 19)} UTC` : ''}.
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
        <div class="stat">
          <span class="n">${health.queue.pending + health.queue.sending}</span> waiting in the
          outbox
        </div>
        <div class="stat">
          <span class="n">${age === null ? '–' : `${Math.round(age)} s`}</span> oldest waiting event
        </div>
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
