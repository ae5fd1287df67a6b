/**
 * The frame of every page: a skip link, the header with the signed-in user and Sign out, the
 * PowerSchool Setup tabs the user's role may open, and the main region. Server-rendered with
 * hono/html (every interpolated value is escaped).
 */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { assetUrl } from './assets.ts';
import type { PageUser } from './accounts.ts';
import { CSRF_FIELD } from './session.ts';
import { TABS, mayOpen, type TabId } from './tabs.ts';

export { TABS, mayOpen, type TabId };

/** Markup as the pages build it. */
export type Markup = HtmlEscapedString | Promise<HtmlEscapedString>;

const ROLE_LABELS: Record<PageUser['role'], string> = {
  operator: 'Service operator',
  district_admin: 'District admin',
  building_admin: 'Building admin',
  support: 'Support (read only)',
};

export function roleLabel(user: PageUser): string {
  const base = ROLE_LABELS[user.role];
  return user.role === 'building_admin' ? `${base} of ${user.schools.join(', ')}` : base;
}

/** The hidden CSRF field of a form. */
export function csrfField(token: string): Markup {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${token}" />`;
}

/** A whole page for a signed-in user. */
export function adminPage(options: {
  title: string;
  tab: TabId;
  user: PageUser;
  csrf: string;
  body: Markup;
  /** The tabs the service serves (default: all). */
  served?: readonly TabId[];
}): Markup {
  const tabs = TABS.filter(
    (tab) =>
      mayOpen(options.user, tab.id) &&
      (options.served === undefined || options.served.includes(tab.id)),
  );
  return shell(
    `${options.title} · PowerSchool Setup`,
    html`<header class="top">
        <a class="brand" href="/admin">PowerSchool Setup</a>
        <div>
          <span class="who">${options.user.name} · ${roleLabel(options.user)}</span>
          <form method="post" action="/logout">
            ${csrfField(options.csrf)}
            <button type="submit">Sign out</button>
          </form>
        </div>
      </header>
      <nav class="tabs" aria-label="PowerSchool Setup">
        <ul>
          ${tabs.map(
            (tab) =>
              html`<li>
                <a href="${tab.path}" ${tab.id === options.tab ? html`aria-current="page"` : ''}
                  >${tab.label}</a
                >
              </li>`,
          )}
        </ul>
      </nav>
      <main id="main">
        <h1>${options.title}</h1>
        ${options.body}
      </main>`,
  );
}

/** The document around a page's content. */
export function shell(title: string, content: Markup): Markup {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <link rel="stylesheet" href="${assetUrl('admin.css')}" />
        <script src="${assetUrl('admin.js')}" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        ${content}
      </body>
    </html>`;
}

/** A notice above a page's content: an error (role=alert), a success or a warning. */
export function notice(kind: 'error' | 'ok' | 'warn', title: string, items: string[] = []): Markup {
  const cls = kind === 'error' ? 'alert' : `alert ${kind}`;
  return html`<div class="${cls}" ${kind === 'error' ? html`role="alert"` : html`role="status"`}>
    <strong>${title}</strong>
    ${
      items.length > 0
        ? html`<ul>
            ${items.map((item) => html`<li>${item}</li>`)}
          </ul>`
        : ''
    }
  </div>`;
}
