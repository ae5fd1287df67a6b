/**
 * The PowerSchool Setup page of `pswb serve`: sign-in, then the tabs (Overview, Settings, School
 * Building Setup, Reasons, Writeback Logs, Audit log), server-rendered. Every /admin route runs
 * behind the session check (session.ts) and decides on the server what the user's role allows;
 * every form carries a CSRF token; every answer carries the secure headers below (a CSP with no
 * inline script or style, no framing, no referrer leaks) and is never cached.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { secureHeaders } from 'hono/secure-headers';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import {
  ConnectorError,
  DEFAULT_SESSION_LIMITS,
  type SessionLimits,
} from '../../connector/index.ts';
import { statusOfCode } from '../http/problem.ts';
import { ASSETS } from './assets.ts';
import { pageAccounts, refusalPage, renderTab, type AdminContext } from './context.ts';
import { notice, shell, type Markup, type TabId } from './layout.ts';
import { registerAlerts } from './pages/alerts.ts';
import { registerAudit } from './pages/audit.ts';
import { registerCheck } from './pages/check.ts';
import { registerLogs } from './pages/logs.ts';
import { registerEventPage } from './pages/event.ts';
import { registerOverview } from './pages/overview.ts';
import { registerReasons } from './pages/reasons.ts';
import { registerSchools } from './pages/schools.ts';
import { registerCommentTemplate, registerSettings } from './pages/settings.ts';
import {
  CSRF_FIELD,
  LOGIN_COOKIE,
  SESSION_COOKIE,
  LoginLimiter,
  clearSessionCookie,
  currentSession,
  field,
  loginCsrf,
  readForm,
  requireSession,
  sameToken,
  setSessionCookie,
  type AdminEnv,
} from './session.ts';

export interface AdminAppOptions extends AdminContext {
  /** Where users reach the service (behind a proxy); an https one makes every cookie Secure. */
  publicUrl?: string;
  limits?: SessionLimits;
  loginLimiter?: LoginLimiter;
  /** Logs an unexpected error of a page (the page itself says only that it failed). */
  onError?: (error: unknown) => void;
}

/** The CSP: scripts, styles and forms from this origin only; no inline code, no framing. */
const CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
};

/** Builds the page's routes: /login, /logout, /admin and its tabs, /admin/assets. */
export function createAdminApp(options: AdminAppOptions): Hono<AdminEnv> {
  const limits = options.limits ?? DEFAULT_SESSION_LIMITS;
  const limiter = options.loginLimiter ?? new LoginLimiter();
  const app = new Hono<AdminEnv>();
  if (options.publicUrl?.startsWith('https://')) {
    app.use('*', async (c, next) => {
      c.set('securePublicUrl', true);
      await next();
    });
  }

  app.use('/login', secureHeaders({ contentSecurityPolicy: CSP, referrerPolicy: 'no-referrer' }));
  app.use('/logout', secureHeaders({ contentSecurityPolicy: CSP, referrerPolicy: 'no-referrer' }));
  app.use('/admin/*', secureHeaders({ contentSecurityPolicy: CSP, referrerPolicy: 'no-referrer' }));
  app.use('/admin', secureHeaders({ contentSecurityPolicy: CSP, referrerPolicy: 'no-referrer' }));
  const noStore = async (c: Context, next: () => Promise<void>) => {
    await next();
    if (!c.req.path.startsWith('/admin/assets/')) c.header('cache-control', 'no-store');
  };
  app.use('/login', noStore);
  app.use('/admin', noStore);
  app.use('/admin/*', noStore);

  app.get('/admin/assets/:file', (c) => {
    const asset = ASSETS[c.req.param('file')];
    if (!asset) return c.text('No such asset.', 404);
    return c.body(asset.body, 200, {
      'content-type': asset.type,
      'cache-control':
        c.req.query('v') === asset.version ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  });

  const accounts = pageAccounts(options);
  app.get('/login', async (c) => {
    if (await currentSession(c, accounts, options.now(), limits))
      return c.redirect(safeNext(c.req.query('next')), 303);
    return c.html(
      loginPage({
        csrf: loginCsrf(c),
        next: c.req.query('next') ?? '',
        noUsers: !(await accounts.hasUsers()),
        ...(options.accounts ? { usersHint: PG_USERS_HINT } : {}),
      }),
    );
  });

  app.post('/login', async (c) => {
    const form = await readForm(c);
    const email = field(form, 'email').toLowerCase();
    const next = field(form, 'next');
    const expected = getCookie(c, LOGIN_COOKIE);
    const sent = form[CSRF_FIELD];
    if (!sameToken(typeof sent === 'string' ? sent : undefined, expected)) {
      return c.html(
        loginPage({
          csrf: loginCsrf(c),
          next,
          email,
          error: 'The sign-in form had expired. Please sign in again.',
        }),
        403,
      );
    }
    const address = clientAddress(c);
    const now = options.now().getTime();
    const wait = limiter.retryAfter(email, address, now);
    if (wait > 0) {
      c.header('retry-after', String(wait));
      return c.html(
        loginPage({
          csrf: loginCsrf(c),
          next,
          email,
          error: `Too many failed sign-ins. Try again in ${Math.ceil(wait / 60)} minute${wait > 60 ? 's' : ''}.`,
        }),
        429,
      );
    }
    const user = email ? await accounts.verify(email, field(form, 'password')) : undefined;
    if (!user) {
      limiter.failed(email, address, now);
      return c.html(
        loginPage({
          csrf: loginCsrf(c),
          next,
          email,
          error: 'The email or password is not right.',
        }),
        401,
      );
    }
    limiter.succeeded(email);
    // A new session at every sign-in (any earlier one on this browser ends): a session id
    // planted before sign-in is never the signed-in one.
    const token = await accounts.startSession(
      user.id,
      getCookie(c, SESSION_COOKIE),
      options.now(),
      limits,
    );
    setSessionCookie(c, token, limits);
    return c.redirect(safeNext(next), 303);
  });

  const session = requireSession({
    accounts: () => accounts,
    now: options.now,
    limits,
    refuse: (c, status, detail) => refusalPage(c, 'overview', status, detail),
  });
  app.use('/logout', session);
  app.post('/logout', async (c) => {
    const token = getCookie(c, SESSION_COOKIE);
    if (token) await accounts.endSession(token);
    clearSessionCookie(c);
    return c.redirect('/login', 303);
  });

  app.use('/admin', session);
  app.use('/admin/*', async (c, next) =>
    c.req.path.startsWith('/admin/assets/') ? next() : session(c, next),
  );
  const served = options.tabs;
  if (served) {
    app.use('/admin/*', async (c, next) => {
      c.set('tabs', served);
      // An operator sees the districts' overview; a district's pages are for its own users.
      if (
        c.var.user?.role === 'operator' &&
        c.req.path !== '/admin' &&
        c.req.path !== '/admin/districts'
      ) {
        return refusalPage(
          c,
          'overview',
          403,
          "A service operator sees the districts' overview; a district's pages are for its users (pswb users add --district ID).",
        );
      }
      await next();
    });
    app.use('/admin', async (c, next) => {
      c.set('tabs', served);
      await next();
    });
  }
  const serves = (tab: TabId) => served === undefined || served.includes(tab);
  const inDistrict = options.inDistrict;
  if (inDistrict) {
    for (const path of ['/admin/settings', '/admin/schools', '/admin/reasons', '/admin/check']) {
      for (const route of [path, `${path}/*`]) {
        app.use(route, (c, next) => inDistrict(c.var.district, next));
      }
    }
  }
  registerOverview(app, options);
  if (serves('settings')) {
    registerSettings(app, options);
    registerCommentTemplate(app, options);
    if (options.alertSettings !== false) registerAlerts(app, options);
  }
  if (serves('schools')) registerSchools(app, options);
  if (serves('reasons')) registerReasons(app, options);
  if (serves('logs')) {
    registerLogs(app, options);
    registerEventPage(app, options);
  }
  if (serves('check')) registerCheck(app, options);
  if (serves('audit')) registerAudit(app, options);
  app.all('/admin/*', (c) => refusalPage(c, 'overview', 404, `There is no page at ${c.req.path}.`));

  app.onError((error, c) => {
    // A refusal the connector explains (an id of another building, a bad value, the database
    // busy or full) is shown in the page's frame with its message and the right status.
    if (error instanceof ConnectorError && c.var.user) {
      const status = statusOfRefusal(error);
      const items = error.details.filter((detail) => !error.message.includes(detail));
      return renderTab(
        c as Context<AdminEnv>,
        'overview',
        status === 404 ? 'Not found' : 'Not done',
        notice('error', error.message, [...items]),
        status,
      );
    }
    options.onError?.(error);
    return c.html(
      shell(
        'Something went wrong · PowerSchool Setup',
        html`<main id="main">
          <h1>Something went wrong</h1>
          ${notice('error', 'The page could not be shown. The service log has the details; try again in a moment.')}
          <p><a href="/admin">Back to the overview</a></p>
        </main>`,
      ),
      500,
    );
  });
  return app;
}

/**
 * The page's status for a connector refusal: the API's (service/http/problem.ts), except that a
 * school the user may not name is "not found" on the page, and any other refusal is a 422 (the
 * page explains it), never a 500.
 */
function statusOfRefusal(error: ConnectorError): ContentfulStatusCode {
  if (error.code === 'unknown_school') return 404;
  return statusOfCode(error.code) ?? 422;
}

/** The sign-in page's first-run hint on PostgreSQL (a data directory's is the page's own). */
const PG_USERS_HINT =
  'npx pswb users add --district lincoln-usd --email you@district.org --role district-admin';

/** Where to go after signing in: a page of ours, never another site. */
function safeNext(next: string | undefined): string {
  return next && /^\/admin(\/|\?|$)/.test(next) && !next.startsWith('//') ? next : '/admin';
}

function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function loginPage(options: {
  csrf: string;
  next: string;
  email?: string;
  error?: string;
  noUsers?: boolean;
  /** The command that adds the first user (default: a data directory's). */
  usersHint?: string;
}): Markup {
  return shell(
    'Sign in · PowerSchool Setup',
    html`<main id="main" class="login">
      <h1>PowerSchool Setup: sign in</h1>
      ${options.error ? notice('error', options.error) : ''}
      ${
        options.noUsers
          ? notice(
              'warn',
              'No accounts exist yet. Create the first district admin on the machine that runs pswb:',
              [
                options.usersHint ??
                  'npx pswb users add --email you@district.org --role district-admin',
                'It prints a password once; sign in with it here.',
              ],
            )
          : ''
      }
      <form method="post" action="/login" class="card">
        <input type="hidden" name="${CSRF_FIELD}" value="${options.csrf}" />
        <input type="hidden" name="next" value="${options.next}" />
        <div class="field">
          <label for="email">Email</label>
          <input
            id="email"
            name="email"
            type="email"
            autocomplete="username"
            required
            value="${options.email ?? ''}"
          />
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
          />
        </div>
        <button type="submit">Sign in</button>
      </form>
    </main>`,
  );
}
