/**
 * The PowerSchool Setup page in Debian's chromium, the way a district admin and a building admin
 * use it: a first run with no connection; sign in; Settings with a wrong secret (answered in the
 * guide's words) then the right one; a school's mode; importing and mapping codes; a failed row
 * (the plugin disabled in the simulator), its chevron, the fix in the simulator, re-send, and the
 * row Successful without a reload; a building admin who cannot see or reach another building's
 * rows through the page or the API; a form posted without its CSRF token refused. axe-core runs
 * in every tab and must find no serious or critical violation. With PSWB_SCREENSHOTS=1 each tab's
 * screenshot is written to docs/images/ (docs/service.md shows them).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace } from '../../connector/index.ts';
import { SimulatorAdmin } from '../../repro/sim-admin.ts';
import { startService, type RunningService } from '../../service/service.ts';
import type { RunningSimulator } from '../../simulator/server.ts';
import { startDemoSimulator } from '../connector/support/simulator.ts';
import { createKey } from '../service/keys-support.ts';
import { studentDayEvents } from '../service/support.ts';
import {
  axeViolations,
  formatViolations,
  launchBrowser,
  screenshot,
  type LaunchedBrowser,
} from './support.ts';
import type { Page } from 'playwright-core';

const PASSWORD = 'a long demo password';
const DISTRICT = 'district@example.org';
const BUILDING = 'building101@example.org';

let sim: RunningSimulator;
let dataDir: string;
let service: RunningService;
let browser: LaunchedBrowser;
let page: Page;

beforeAll(async () => {
  sim = await startDemoSimulator();
  dataDir = await mkdtemp(join(tmpdir(), 'pswb-browser-'));
  // A first run: two accounts, and no PowerSchool connection yet.
  const workspace = await openWorkspace({ dataDir });
  await workspace
    .store()
    .users.add(
      { email: DISTRICT, name: 'Dana District', role: 'district_admin', password: PASSWORD },
      new Date(),
    );
  await workspace.store().users.add(
    {
      email: BUILDING,
      name: 'Bo Building',
      role: 'building_admin',
      schools: [101],
      password: PASSWORD,
    },
    new Date(),
  );
  workspace.close();
  service = await startService({ dataDir, port: 0, pollMs: 100 });
  browser = await launchBrowser();
  page = await browser.newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await service?.stop();
  await sim?.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** axe in the page as it is now: no serious or critical violation. */
async function expectAccessible(name: string): Promise<void> {
  const violations = await axeViolations(page);
  expect(violations, `${name}: ${formatViolations(violations)}`).toEqual([]);
}

async function signIn(email: string): Promise<void> {
  await page.goto(`${service.url}/admin`);
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/admin$/);
}

async function postEvents(key: string, events: unknown[]): Promise<void> {
  const response = await fetch(`${service.url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  expect(response.status).toBe(202);
}

describe('the PowerSchool Setup page in chromium', () => {
  it('signs in (the sign-in page is accessible too)', async () => {
    await page.goto(`${service.url}/login`);
    await expectAccessible('sign-in');
    await signIn(DISTRICT);
    expect((await page.getByRole('heading', { level: 1 }).textContent())?.trim()).toBe('Overview');
    expect(await page.textContent('main')).toContain('Not connected');
  });

  it('Settings: a wrong secret is answered in the guide’s words; the right one saves', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await expectAccessible('settings');
    await page.getByLabel('PowerSchool URL').fill(sim.url);
    await page.getByLabel('Client ID').fill(sim.plugin!.clientId);
    await page.getByLabel('Client Secret').fill('not-the-secret');
    await page.getByRole('button', { name: 'Save and Apply to All Schools' }).click();
    await expect
      .poll(() => page.getByRole('alert').first().textContent(), { timeout: 10_000 })
      .toContain('PowerSchool denied the connection');
    await expectAccessible('settings, refused');
    await page.getByLabel('Client Secret').fill(sim.plugin!.clientSecret);
    await page.getByRole('button', { name: 'Save and Apply to All Schools' }).click();
    await expect
      .poll(() => page.locator('.alert.ok').first().textContent(), { timeout: 10_000 })
      .toContain('Saved and applied to all schools');
    expect(await page.content()).not.toContain(sim.plugin!.clientSecret);
    await screenshot(page, 'admin-settings');
  });

  it('School Building Setup: sets school 101 to Daily', async () => {
    await page.getByRole('link', { name: 'School Building Setup' }).click();
    await expectAccessible('schools');
    await page.getByLabel('Attendance Mode of', { exact: false }).first().selectOption('daily');
    // Every enabled school needs a mode to save: the others are disabled for this test.
    const selects = page.locator('select[id^="mode-"]');
    for (let index = 1; index < (await selects.count()); index += 1) {
      const number = (await selects.nth(index).getAttribute('id'))!.slice('mode-'.length);
      await page.locator(`#status-${number}`).selectOption('disabled');
    }
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect
      .poll(() => page.locator('.alert.ok').first().textContent(), { timeout: 10_000 })
      .toContain('Saved');
    expect(await page.locator('#mode-101').inputValue()).toBe('daily');
    await screenshot(page, 'admin-schools');
  });

  it('Reasons: imports school 101’s codes and maps T as a Late Check-in reason', async () => {
    await page.getByRole('link', { name: 'Reasons' }).click();
    await page.getByRole('button', { name: /Import codes.*\(101\)/ }).click();
    await expect
      .poll(() => page.locator('.alert.ok').first().textContent(), { timeout: 10_000 })
      .toContain('Imported');
    await expectAccessible('reasons');
    const late = page.locator('#late-101-T');
    await late.check();
    await page.getByRole('button', { name: /Save reasons.*\(101\)/ }).click();
    await expect
      .poll(() => page.locator('.alert.ok').first().textContent(), { timeout: 10_000 })
      .toContain('Saved the reasons of school 101');
    expect(await page.locator('#late-101-T').isChecked()).toBe(true);
    await screenshot(page, 'admin-reasons');
  });

  it('Writeback Logs: a failed row, its chevron, the fix in the simulator, re-send, Successful', async () => {
    const key = await createKey(dataDir, { name: 'browser test' });
    const admin = new SimulatorAdmin(sim.url);
    await admin.disablePlugin(sim.plugin!.id);
    const [event] = studentDayEvents(sim, 1, 'browser', [101]).events;
    await postEvents(key, [event]);
    await page.getByRole('link', { name: 'Writeback Logs' }).click();
    await page.getByLabel('Status').selectOption('failed');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    expect(new URL(page.url()).search).toContain('status=failed');
    // The row appears without a reload once the worker has failed it (the list refreshes itself).
    const row = page.locator('tr[data-id="browser-0"]');
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('Failed');
    await row.locator('summary').click();
    expect(await row.locator('details').getAttribute('open')).toBe('');
    await expect.poll(() => row.textContent(), { timeout: 10_000 }).toContain('What it means');
    await expectAccessible('logs, chevron open');
    await screenshot(page, 'admin-logs');
    // Preview, before and after the fix: nothing is sent either time.
    await row.getByRole('button', { name: /Preview/ }).click();
    await expect
      .poll(() => page.locator('.alert.warn').first().textContent(), { timeout: 10_000 })
      .toContain('would fail');
    await admin.enablePlugin(sim.plugin!.id);
    await page.locator('tr[data-id="browser-0"] summary').click();
    await page
      .locator('tr[data-id="browser-0"]')
      .getByRole('button', { name: /Preview/ })
      .click();
    await expect
      .poll(() => page.locator('.alert.ok').first().textContent(), { timeout: 10_000 })
      .toContain('would POST /ws/attendance/daily_time');
    await expectAccessible('logs, preview');
    await row.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Re-send selected' }).click();
    await expect
      .poll(() => page.locator('.alert.ok').first().textContent(), { timeout: 10_000 })
      .toContain('sent again');
    await page.getByLabel('Status').selectOption('all');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect
      .poll(() => page.locator('tr[data-id="browser-0"]').textContent(), { timeout: 15_000 })
      .toContain('Successful');
  });

  it('Event page: a successful row lists its record; the event is corrected there and keeps its history', async () => {
    const row = page.locator('tr[data-id="browser-0"]');
    await row.locator('summary').click();
    await expect
      .poll(() => row.textContent(), { timeout: 10_000 })
      .toContain('Written: The day: T');
    await row.getByRole('link', { name: /Correct, cancel or see the history/ }).click();
    await expect.poll(() => page.locator('h1').textContent()).toContain('Event browser-0');
    await expectAccessible('event page');
    const when = page.getByLabel('When it happened');
    const before = await when.inputValue();
    await when.fill(before.replace(/T\d\d:/, 'T11:'));
    await page.getByRole('button', { name: 'Correct and re-send' }).click();
    await expect
      .poll(() => page.locator('.alert.ok').first().textContent(), { timeout: 10_000 })
      .toContain('Corrected');
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.locator('main').textContent();
        },
        { timeout: 15_000 },
      )
      .toMatch(/Earlier versions[\s\S]*corrected by/);
    await expect.poll(() => page.locator('main').textContent()).toContain('Successful');
    await expectAccessible('event page with its history');
    await screenshot(page, 'admin-event');
  });

  it('Writeback Logs: a new event appears in the open list without a reload', async () => {
    await page.goto(`${service.url}/admin/logs`);
    // A mark on this document: a reload or a navigation would lose it.
    await page.evaluate(() => {
      (globalThis as { pswbMark?: number }).pswbMark = 1;
    });
    const key = await createKey(dataDir, { name: 'live list' });
    const [event] = studentDayEvents(sim, 1, 'live', [101]).events;
    await postEvents(key, [{ ...event, occurredAt: event!.occurredAt.replace('T09:', 'T10:') }]);
    await expect
      .poll(() => page.locator('tr[data-id="live-0"]').count(), { timeout: 15_000 })
      .toBe(1);
    expect(await page.evaluate(() => (globalThis as { pswbMark?: number }).pswbMark)).toBe(1);
  });

  it('the overview and the audit log are accessible, and the audit log has the changes', async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    await expectAccessible('overview');
    await screenshot(page, 'admin-overview');
    // Check: the student's Daily record written above (by browser-0, then by live-0 an hour
    // later, which updated it) is deleted in PowerSchool; the check lists the later event
    // missing, and sending it again writes the record back.
    const [written] = studentDayEvents(sim, 1, 'browser', [101]).events;
    const day = written!.occurredAt.slice(0, 10);
    const attendance = sim.district.table('attendance');
    const student = sim.district.studentByDcid(written!.student.dcid)!;
    for (const row of sim.district.attendanceOn(student.id, day)) attendance.remove(row);
    await page.getByRole('link', { name: 'Check' }).click();
    await page.getByLabel('From').fill(day);
    await page.getByLabel('To').fill(day);
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await expect
      .poll(() => page.locator('#check-summary').textContent(), { timeout: 10_000 })
      .toContain('1 missing');
    expect(await page.locator('tr[data-id="live-0"]').count()).toBe(1);
    await expectAccessible('check');
    await screenshot(page, 'admin-check');
    await page.getByRole('button', { name: 'Send the missing records again' }).click();
    await expect
      .poll(() => page.locator('.alert.ok').first().textContent(), { timeout: 10_000 })
      .toContain('sent again');
    await expect
      .poll(() => sim.district.attendanceOn(student.id, day).length, { timeout: 10_000 })
      .toBe(1);
    await page.getByRole('link', { name: 'Audit log' }).click();
    await expectAccessible('audit');
    const text = await page.textContent('main');
    for (const action of ['settings.save', 'school.update', 'reasons.import', 'reasons.map']) {
      expect(text).toContain(action);
    }
    await screenshot(page, 'admin-audit');
  });

  it('works from the keyboard: skip link first, then the header, the tabs in order, and Enter follows a tab', async () => {
    await page.goto(`${service.url}/admin`);
    const focused = () =>
      page.evaluate(() => {
        const element = (
          globalThis as unknown as {
            document: { activeElement: { textContent: string | null } | null };
          }
        ).document.activeElement;
        return element?.textContent?.trim() ?? '';
      });
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('Skip to content');
    const order: string[] = [];
    for (let step = 0; step < 9; step += 1) {
      await page.keyboard.press('Tab');
      order.push(await focused());
    }
    // The brand, Sign out, then every tab the district admin may open, in the nav's order.
    expect(order.slice(0, 2)).toEqual(['PowerSchool Setup', 'Sign out']);
    expect(order.slice(2)).toEqual([
      'Overview',
      'Settings',
      'School Building Setup',
      'Reasons',
      'Writeback Logs',
      'Check',
      'Audit log',
    ]);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/admin\/audit$/);
    expect((await page.getByRole('heading', { level: 1 }).textContent())?.trim()).toBe('Audit log');
  });

  it('refuses a form posted without its CSRF token', async () => {
    await page.getByRole('link', { name: 'School Building Setup' }).click();
    // What a forged form from another site would lack: the page's CSRF token.
    await page.locator('input[name="_csrf"]').evaluateAll((inputs) => {
      for (const input of inputs) (input as { remove(): void }).remove();
    });
    await page.locator('#status-101').selectOption('disabled');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect
      .poll(() => page.getByRole('alert').first().textContent(), { timeout: 10_000 })
      .toContain('security token');
    await page.getByRole('link', { name: 'School Building Setup' }).click();
    expect(await page.locator('#status-101').inputValue()).toBe('enabled');
  });

  it('a building admin sees only their building, through the page and the API', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login$/);
    // A school 102 event (its school is disabled in pswb, so it is Not attempted, but logged).
    const key = await createKey(dataDir, { name: 'district key' });
    const [other] = studentDayEvents(sim, 1, 'other', [102]).events;
    await postEvents(key, [other]);
    await signIn(BUILDING);
    expect(await page.getByRole('link', { name: 'Settings' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Writeback Logs' }).click();
    await expectAccessible('logs, building admin');
    expect(await page.locator('tr[data-id="browser-0"]').count()).toBe(1);
    expect(await page.locator('tr[data-id="other-0"]').count()).toBe(0);
    const options = await page.locator('#f-school option').allTextContents();
    expect(options.join(' ')).not.toContain('102');
    const refused = await page.goto(`${service.url}/admin/logs?school=102`);
    expect(refused!.status()).toBe(404);
    const settings = await page.goto(`${service.url}/admin/settings`);
    expect(settings!.status()).toBe(403);
    const buildingKey = await createKey(dataDir, { name: 'front desk 101', schools: [101] });
    const api = await fetch(`${service.url}/api/v1/events/other-0`, {
      headers: { authorization: `Bearer ${buildingKey}` },
    });
    expect(api.status).toBe(404);
  });
});
