/**
 * Who is asking, for every page and form of the PowerSchool Setup page: the session cookie
 * (HttpOnly, SameSite=Lax, Secure over https; its token stored only as a SHA-256 in connector.db),
 * the signed-in user and the connector actor they act as, the CSRF token every form carries, and
 * the sign-in rate limit. Enforced here, on the server, before any page or form handler runs.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import {
  DEFAULT_SESSION_LIMITS,
  DISTRICT_ADMIN,
  type Actor,
  type SessionLimits,
  type SessionRecord,
} from '../../connector/index.ts';
import type { PageAccounts, PageUser } from './accounts.ts';
import type { TabId } from './tabs.ts';

export type { PageUser };

/** The session cookie's name. */
export const SESSION_COOKIE = 'pswb_session';
/** The sign-in form's CSRF cookie (double submit: there is no session yet). */
export const LOGIN_COOKIE = 'pswb_login';
/** The hidden field every form sends its CSRF token in. */
export const CSRF_FIELD = '_csrf';

/** What the session middleware puts on the context. */
export interface AdminVariables {
  user: PageUser;
  session: SessionRecord;
  /** The connector actor the user reads and changes as (support reads as the district). */
  actor: Actor;
  /** The district the user belongs to ('' in a data directory, which holds one; an operator). */
  district: string;
  /** The tabs this service serves (all when absent; PostgreSQL serves some). */
  tabs?: readonly TabId[];
  /** The form field value that proves a POST came from one of our pages. */
  csrf: string;
  /** The form fields of a POST, read once by the CSRF check. */
  form: Record<string, string | string[]>;
  /** The service is reached at an https public URL (its cookies are then always Secure). */
  securePublicUrl?: boolean;
}

export type AdminEnv = { Variables: AdminVariables };

/** The connector actor a user acts as. */
export function actorOfUser(user: PageUser): Actor {
  return user.role === 'building_admin'
    ? { role: 'building_admin', schools: [...user.schools] }
    : DISTRICT_ADMIN;
}

/** Whether the user may change a district's anything (support accounts only read). */
export function canChange(user: PageUser): boolean {
  return user.role !== 'support' && user.role !== 'operator';
}

/**
 * True when the cookie must be Secure: the request reached us over https, or the service's public
 * URL is https (a TLS-terminating proxy in front: the request here is plain http).
 */
function isHttps(c: Context): boolean {
  return (
    (c as Context<AdminEnv>).get('securePublicUrl') === true ||
    new URL(c.req.url).protocol === 'https:'
  );
}

/** Sets the session cookie; it lives as long as the session may. */
export function setSessionCookie(c: Context, token: string, limits: SessionLimits): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: isHttps(c),
    path: '/',
    maxAge: Math.floor(limits.absoluteMs / 1000),
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isHttps(c), httpOnly: true });
}

/** The sign-in form's CSRF value: reused from its cookie, or made and set. */
export function loginCsrf(c: Context): string {
  const existing = getCookie(c, LOGIN_COOKIE);
  if (existing && /^[\w-]{43}$/.test(existing)) return existing;
  const value = randomBytes(32).toString('base64url');
  setCookie(c, LOGIN_COOKIE, value, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: isHttps(c),
    path: '/login',
    maxAge: 60 * 60,
  });
  return value;
}

/** Compares two tokens in constant time. */
export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right) && a.length === b.length;
}

/** The current user's session, or undefined (no cookie, unknown, expired, or its user gone). */
export async function currentSession(
  c: Context,
  accounts: PageAccounts,
  now: Date,
  limits: SessionLimits = DEFAULT_SESSION_LIMITS,
): Promise<
  { user: PageUser; session: SessionRecord; district: string; token: string } | undefined
> {
  const token = getCookie(c, SESSION_COOKIE);
  if (!token) return undefined;
  const found = await accounts.session(token, now, limits);
  return found ? { ...found, token } : undefined;
}

/**
 * Signed-in users only: a page request without a valid session is sent to the sign-in page
 * (with where it was going); every POST must carry the session's CSRF token or is refused 403.
 */
export function requireSession(options: {
  accounts: () => PageAccounts;
  now: () => Date;
  limits?: SessionLimits;
  refuse: (c: Context<AdminEnv>, status: 403, detail: string) => Response | Promise<Response>;
}): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    const found = await currentSession(c, options.accounts(), options.now(), options.limits);
    if (!found) {
      clearSessionCookie(c);
      const next = c.req.method === 'GET' ? c.req.path + new URL(c.req.url).search : '/admin';
      return c.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
    }
    c.set('user', found.user);
    c.set('session', found.session);
    c.set('actor', actorOfUser(found.user));
    c.set('district', found.district);
    c.set('csrf', found.session.csrfToken);
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const form = await readForm(c);
      c.set('form', form);
      const sent = form[CSRF_FIELD];
      if (!sameToken(typeof sent === 'string' ? sent : undefined, found.session.csrfToken)) {
        return options.refuse(
          c,
          403,
          'This form was refused: it did not carry the page’s security token (CSRF), so it may not have come from this site. Reload the page and submit it again.',
        );
      }
    } else {
      c.set('form', {});
    }
    await next();
  };
}

/** A urlencoded or multipart form's fields; repeated names become lists. */
export async function readForm(c: Context): Promise<Record<string, string | string[]>> {
  const type = c.req.header('content-type') ?? '';
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) return {};
  const body = await c.req.parseBody({ all: true });
  const form: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(body)) {
    const values = (Array.isArray(value) ? value : [value]).filter(
      (item): item is string => typeof item === 'string',
    );
    form[key.replace(/\[\]$/, '')] = values.length === 1 ? values[0]! : values;
  }
  return form;
}

/** One field of a form as text ('' when absent; the first when repeated). */
export function field(form: Record<string, string | string[]>, name: string): string {
  const value = form[name];
  return (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
}

/** One field of a form as a list (repeated checkboxes). */
export function fieldList(form: Record<string, string | string[]>, name: string): string[] {
  const value = form[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((item) => item.trim()).filter(Boolean);
}

/**
 * The sign-in rate limit: at most `perAccount` failed attempts per email and `perAddress` per
 * client address within `windowMs`; a success clears the email's count. In memory: a restart
 * forgets the counts, which only ever lets someone in sooner.
 */
export class LoginLimiter {
  readonly #failures = new Map<string, number[]>();
  readonly #windowMs: number;
  readonly #perAccount: number;
  readonly #perAddress: number;

  constructor(options: { windowMs?: number; perAccount?: number; perAddress?: number } = {}) {
    this.#windowMs = options.windowMs ?? 15 * 60_000;
    this.#perAccount = options.perAccount ?? 5;
    this.#perAddress = options.perAddress ?? 30;
  }

  /** Seconds to wait before trying again, or 0 when an attempt may be made now. */
  retryAfter(email: string, address: string, now: number): number {
    const wait = (key: string, limit: number): number => {
      const recent = this.#recent(key, now);
      if (recent.length < limit) return 0;
      return Math.ceil((recent[recent.length - limit]! + this.#windowMs - now) / 1000);
    };
    return Math.max(
      wait(`email:${email.toLowerCase()}`, this.#perAccount),
      wait(`addr:${address}`, this.#perAddress),
    );
  }

  failed(email: string, address: string, now: number): void {
    for (const key of [`email:${email.toLowerCase()}`, `addr:${address}`]) {
      this.#failures.set(key, [...this.#recent(key, now), now]);
    }
  }

  succeeded(email: string): void {
    this.#failures.delete(`email:${email.toLowerCase()}`);
  }

  #recent(key: string, now: number): number[] {
    const recent = (this.#failures.get(key) ?? []).filter((at) => now - at < this.#windowMs);
    if (recent.length === 0) this.#failures.delete(key);
    else this.#failures.set(key, recent);
    return recent;
  }
}
