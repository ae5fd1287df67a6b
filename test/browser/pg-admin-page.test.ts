/**
 * The PowerSchool Setup page of `pswb serve --database` (service/pg-service.ts) in Debian's
 * chromium, against a real PostgreSQL server with two districts (alpha and beta, each with its
 * own demo simulator): alpha's district admin signs in through the form and uses Overview,
 * Settings, School Building Setup, Reasons, Writeback Logs (a failed row's chevron with
 * PowerSchool's error and what it means, ticking it and re-sending it) and the Audit log, and
 * never sees beta's students or settings; a building admin sees school 101's rows only and another
 * building's event page is Not found; a service operator sees every district's outbox with a
 * paused district shown paused, and no Writeback Logs. axe-core runs on every page and must find
 * no serious or critical violation. test/service/pg-page.test.ts covers the same routes over HTTP.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPgService, type RunningPgService } from '../../service/pg-service.ts';
import { instantRetry } from '../connector/support/mock-powerschool.ts';
import {
  PAGE_PASSWORD,
  PAGE_USERS,
  addPageUsers,
  namedEvents,
  postEvents,
  startPgDistricts,
  untilState,
  type PgDistrictsFixture,
} from '../service/pg-districts-support.ts';
import { axeViolations, formatViolations, launchBrowser, type LaunchedBrowser } from './support.ts';

const PASSWORD = PAGE_PASSWORD;
const users = PAGE_USERS;

let fixture: PgDistrictsFixture;
let service: RunningPgService;
let browser: LaunchedBrowser;
let page: Page;

function named(district: string, count: number, prefix: string, school: number, name: string) {
  return namedEvents(fixture.sims.get(district)!, count, prefix, school, name);
}

type TestEvent = ReturnType<typeof named>[number];
let alphaOk: TestEvent;
let failing: TestEvent;
let alpha102: TestEvent;
let betaOk: TestEvent;

async function post(district: string, body: unknown): Promise<void> {
  expect(await postEvents(service.url, fixture.keys[district]!, body)).toBe(202);
}

const until = (district: string, id: string, state: string, runs = 1) =>
  untilState(fixture.pool, district, id, state, runs);

beforeAll(async () => {
  fixture = await startPgDistricts('pg_browser');
  await addPageUsers(fixture.pool);
  service = await startPgService({
    databaseUrl: fixture.url,
    keyring: fixture.keyring,
    port: 0,
    workers: 1,
    worker: { pollMs: 100, connector: { retry: instantRetry() } },
  });

  // Alpha: two at school 101 (the second with a reason alpha does not map: it fails), one at
  // 102; beta: one at its school 101. Each district's students are named apart.
  const [first, second] = named('alpha', 2, 'pa', 101, 'Alpha Student');
  alphaOk = first!;
  failing = { ...second!, reason: 'NOT-MAPPED' };
  alpha102 = named('alpha', 1, 'pc', 102, 'Jefferson Pupil')[0]!;
  betaOk = named('beta', 1, 'pb', 101, 'Beta Student')[0]!;
  const launching = launchBrowser();
  await post('alpha', [alphaOk, failing, alpha102]);
  await post('beta', [betaOk]);
  browser = await launching;
  page = await browser.newPage();
  await until('alpha', alphaOk.id, 'successful');
  await until('alpha', failing.id, 'failed');
  await until('alpha', alpha102.id, 'successful');
  await until('beta', betaOk.id, 'successful');
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await service?.stop();
  await fixture?.close();
});

/** axe in the page as it is now: no serious or critical violation. */
async function expectAccessible(name: string): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, `${name}: ${formatViolations(violations)}`).toEqual([]);
}

/** Signs in through the form, from a page that needs a session; lands on the overview. */
async function signIn(email: string): Promise<void> {
  await page.goto(`${service.url}/admin`);
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/admin$/);
}

async function signOut(): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login$/);
}

const heading = async () => (await page.getByRole('heading', { level: 1 }).textContent())?.trim();
const tabs = () => page.getByRole('navigation', { name: 'PowerSchool Setup' }).getByRole('link');
const logIds = () =>
  page
    .locator('#log-rows tr[data-id]')
    .evaluateAll((rows) =>
      rows.map((row) => (row as unknown as { dataset: { id: string } }).dataset.id).sort(),
    );

describe('the PostgreSQL PowerSchool Setup page in chromium', () => {
  it('a district admin signs in and sees the overview, the logs and the audit log of their district only', async () => {
    await page.goto(`${service.url}/login`);
    await expectAccessible('sign-in');
    await signIn(users.alpha);
    expect(await heading()).toBe('Overview');
    const overview = await page.textContent('main');
    expect(overview).toContain(`Connected to ${fixture.sims.get('alpha')!.url}`);
    expect(overview).toContain('Writebacks: Writing, up to 4 at once per worker.');
    expect(overview).not.toContain(fixture.sims.get('beta')!.url);
    await expectAccessible('overview');
    // The tabs served on PostgreSQL, in order, and no others.
    expect(await tabs().allTextContents()).toEqual([
      'Overview',
      'Settings',
      'School Building Setup',
      'Reasons',
      'Writeback Logs',
      'Check',
      'Audit log',
    ]);
    // The district's own settings tabs, each accessible.
    for (const [tab, url] of [
      ['Settings', /\/admin\/settings$/],
      ['School Building Setup', /\/admin\/schools$/],
      ['Reasons', /\/admin\/reasons$/],
      ['Check', /\/admin\/check$/],
    ] as const) {
      await tabs().getByText(tab, { exact: true }).click();
      await page.waitForURL(url);
      expect(await page.textContent('main')).not.toContain(fixture.sims.get('beta')!.url);
      await expectAccessible(tab);
    }

    await tabs().getByText('Writeback Logs').click();
    await page.waitForURL(/\/admin\/logs$/);
    expect(await heading()).toBe('Writeback Logs');
    expect(await logIds()).toEqual([alphaOk.id, alpha102.id, failing.id].sort());
    const rows = await page.textContent('#log-rows');
    expect(rows).toContain(alphaOk.student.name);
    expect(rows).toContain(alpha102.student.name);
    expect(rows).not.toContain(betaOk.student.name);
    expect(rows).not.toContain('Beta Student');
    await expectAccessible('logs');

    await tabs().getByText('Audit log').click();
    await page.waitForURL(/\/admin\/audit$/);
    expect(await heading()).toBe('Audit log');
    const entries = await page.textContent('main');
    expect(entries).toContain('cli:alpha-ops');
    expect(entries).toContain('key alpha-only');
    expect(entries).not.toContain('cli:beta-ops');
    await expectAccessible('audit');
  });

  it("a failed row's chevron shows PowerSchool's error and what it means; ticking it and Re-send selected sends it again", async () => {
    await tabs().getByText('Writeback Logs').click();
    await page.getByLabel('Status').selectOption('failed');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/status=failed/);
    expect(await logIds()).toEqual([failing.id]);
    const row = page.locator(`#log-rows tr[data-id="${failing.id}"]`);
    expect(await row.textContent()).toContain('Failed');
    expect(await row.locator('details').getAttribute('open')).toBeNull();
    await row.locator('summary').click();
    expect(await row.locator('details').getAttribute('open')).toBe('');
    const details = row.locator('details dl');
    const described = async (term: string) =>
      (await details.locator(`dt:text-is("${term}") + dd`).textContent())?.trim();
    expect(await described('PowerSchool’s error')).toBe(
      'The reason "NOT-MAPPED" is not mapped to a PowerSchool attendance code for Late Check-in at school 101.',
    );
    expect(await described('What it means')).toBe(
      "The event's reason is not one of the school's imported PowerSchool attendance codes mapped as a Late Check-in or Early Check-out reason.",
    );
    expect(await described('How to resolve it')).toContain('pswb codes import');
    expect(await described('Event')).toMatch(
      new RegExp(`^${failing.id} · building 101 · 1\\s+run$`),
    );
    await expectAccessible('logs, a failed row open');

    await row
      .getByRole('checkbox', { name: `Select the event of ${failing.student.name}` })
      .check();
    await page.getByRole('button', { name: 'Re-send selected' }).click();
    await page.waitForURL(/resent=1/);
    expect(new URL(page.url()).searchParams.get('status')).toBe('failed');
    expect(await page.locator('.alert.ok').first().textContent()).toContain(
      '1 event sent again: each is back in the outbox',
    );
    await expectAccessible('logs, sent again');
    // Sent again, and failed again (the reason is still not mapped): a second run.
    await until('alpha', failing.id, 'failed', 2);
  });

  it("beta's district admin sees beta's rows and not alpha's", async () => {
    await signOut();
    await signIn(users.beta);
    await tabs().getByText('Writeback Logs').click();
    await page.waitForURL(/\/admin\/logs$/);
    expect(await logIds()).toEqual([betaOk.id]);
    const rows = await page.textContent('#log-rows');
    expect(rows).toContain(betaOk.student.name);
    expect(rows).not.toContain('Alpha Student');
    const response = await page.goto(`${service.url}/admin/logs/event/${failing.id}`);
    expect(response!.status()).toBe(404);
  });

  it('a building admin sees school 101’s rows only; a 102 event’s page is Not found', async () => {
    await signOut();
    await signIn(users.alpha101);
    expect(await tabs().allTextContents()).toEqual([
      'Overview',
      'School Building Setup',
      'Reasons',
      'Writeback Logs',
      'Check',
    ]);
    await tabs().getByText('Writeback Logs').click();
    await page.waitForURL(/\/admin\/logs$/);
    expect(await logIds()).toEqual([alphaOk.id, failing.id].sort());
    expect(await page.textContent('#log-rows')).not.toContain(alpha102.student.name);
    const buildings = await page.locator('#f-school option').allTextContents();
    expect(buildings.join(' ')).toContain('(101)');
    expect(buildings.join(' ')).not.toContain('(102)');
    await expectAccessible('logs, building admin');

    const response = await page.goto(`${service.url}/admin/logs/event/${alpha102.id}`);
    expect(response!.status()).toBe(404);
    expect(await heading()).toBe('Not found');
    expect(await page.textContent('main')).not.toContain(alpha102.student.name);
    await expectAccessible('not found');
    // Its own building's event's page is there.
    const own = await page.goto(`${service.url}/admin/logs/event/${alphaOk.id}`);
    expect(own!.status()).toBe(200);
    expect(await page.textContent('main')).toContain(alphaOk.student.name);
  });

  it("an operator sees every district's outbox, a paused one paused, and no Writeback Logs", async () => {
    await signOut();
    await fixture.pool.query(
      `UPDATE pswb_districts SET paused_until = now() + interval '10 minutes',
         pause_reason = 'PowerSchool answered 503' WHERE id = 'beta'`,
    );
    try {
      await signIn(users.operator);
      expect(await tabs().allTextContents()).toEqual(['Overview']);
      const table = page.getByRole('table', { name: 'Districts (2)' });
      const lines = await table
        .locator('tbody tr')
        .evaluateAll((rows) =>
          rows.map((row) =>
            Array.from((row as unknown as { cells: { textContent: string }[] }).cells, (cell) =>
              cell.textContent.replace(/\s+/g, ' ').trim(),
            ),
          ),
        );
      expect(lines.map((cells) => cells[0])).toEqual(['alpha USD (alpha)', 'beta USD (beta)']);
      expect(lines[0]![3]).toBe('Writing, up to 4 at once per worker');
      expect(lines[1]![3]).toMatch(/^Paused until \d\d:\d\d:\d\d UTC: PowerSchool answered 503$/);
      expect(await page.textContent('main')).not.toContain('Alpha Student');
      await expectAccessible('operator overview');
      const logs = await page.goto(`${service.url}/admin/logs`);
      expect(logs!.status()).toBe(403);
    } finally {
      await fixture.pool.query(
        `UPDATE pswb_districts SET paused_until = NULL, pause_reason = NULL`,
      );
    }
  });
});
