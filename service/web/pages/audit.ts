/**
 * The audit log, for district admins: every change to settings, schools, reasons, users and keys,
 * newest first, with who, when, what, and the values before and after (secrets redacted when
 * they were recorded).
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import type { AuditEntry } from '../../../connector/index.ts';
import { pageAccounts, refusalPage, renderTab, type AdminContext } from '../context.ts';
import { mayOpen, type Markup } from '../layout.ts';
import type { AdminEnv } from '../session.ts';

const PAGE = 100;

export function registerAudit(app: Hono<AdminEnv>, context: AdminContext): void {
  app.get('/admin/audit', async (c) => {
    if (!mayOpen(c.var.user, 'audit')) {
      return refusalPage(c, 'overview', 403, 'Only district admins can see the audit log.');
    }
    const before = Number(c.req.query('before') ?? '');
    // The user's district's entries (PostgreSQL keeps every district's apart).
    const entries = await pageAccounts(context).auditLog(c.var.district, {
      limit: PAGE,
      ...(Number.isSafeInteger(before) && before > 0 ? { beforeId: before } : {}),
    });
    return renderTab(c, 'audit', 'Audit log', body(entries));
  });
}

function body(entries: AuditEntry[]): Markup {
  if (entries.length === 0) return html`<p>No changes recorded yet.</p>`;
  const last = entries[entries.length - 1]!;
  return html`<table>
      <caption class="visually-hidden">
        Changes, newest first
      </caption>
      <thead>
        <tr>
          <th scope="col">When (UTC)</th>
          <th scope="col">Who</th>
          <th scope="col">What</th>
          <th scope="col">Target</th>
          <th scope="col">Change</th>
        </tr>
      </thead>
      <tbody>
        ${entries.map(
          (entry) =>
            html`<tr>
              <td>${entry.at.slice(0, 19).replace('T', ' ')}</td>
              <td>${entry.actor}</td>
              <td>${entry.action}</td>
              <td>${entry.target}</td>
              <td>
                <details>
                  <summary>
                    Before and after<span class="visually-hidden"> of change ${entry.id}</span>
                  </summary>
                  <p><strong>Before</strong></p>
                  <pre>${JSON.stringify(entry.before, null, 2)}</pre>
                  <p><strong>After</strong></p>
                  <pre>${JSON.stringify(entry.after, null, 2)}</pre>
                </details>
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
    ${
      entries.length === PAGE
        ? html`<p><a href="/admin/audit?before=${last.id}">Older changes</a></p>`
        : ''
    }`;
}
