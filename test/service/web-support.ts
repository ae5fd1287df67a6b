/**
 * A small browser stand-in for the page's HTTP tests: one cookie jar, GETs and form POSTs that
 * do not follow redirects, and the CSRF token read from the last page.
 */
/** A response with its body read as text. */
export type Page = Response & { html: string };

export class PageClient {
  readonly #base: string;
  readonly #cookies = new Map<string, string>();
  /** The last HTML page's CSRF token (its hidden _csrf field). */
  csrf = '';

  constructor(base: string) {
    this.#base = base;
  }

  cookie(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  setCookie(name: string, value: string): void {
    this.#cookies.set(name, value);
  }

  async get(path: string): Promise<Page> {
    return this.#send(path, { method: 'GET' });
  }

  /** Posts a form; `_csrf` is added from the last page unless given (null leaves it out). */
  async post(
    path: string,
    fields: Record<string, string | string[]> = {},
    csrf: string | null = this.csrf,
  ): Promise<Page> {
    const body = new URLSearchParams();
    if (csrf !== null) body.append('_csrf', csrf);
    for (const [key, value] of Object.entries(fields)) {
      for (const item of [value].flat()) body.append(key, item);
    }
    return this.#send(path, {
      method: 'POST',
      body: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  /** Signs in (reading the sign-in form's token first); the response of the POST. */
  async signIn(email: string, password: string): Promise<Page> {
    await this.get('/login');
    const response = await this.post('/login', { email, password });
    if (response.status === 303) await this.get('/admin');
    return response;
  }

  async #send(path: string, init: RequestInit): Promise<Page> {
    const cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(`${this.#base}${path}`, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...rest] = pair!.split('=');
      const value = rest.join('=');
      if (/max-age=0/i.test(line) || value === '') this.#cookies.delete(name!.trim());
      else this.#cookies.set(name!.trim(), value);
    }
    const text = await response.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token) this.csrf = token;
    return Object.assign(response, { html: text });
  }
}
