/**
 * The browser-test harness itself (support.ts), against two small pages served with the strict
 * Content-Security-Policy the admin page will have: axe finds nothing on an accessible page and
 * the expected rules on an inaccessible one, even though the CSP refuses inline script (checked:
 * an inline <script> does not run, the page's own script file does); Tab moves keyboard focus to
 * the form's field; screenshots are PNGs; a missing Chromium fails with how to install it.
 */
import { readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  axeViolations,
  formatViolations,
  launchBrowser,
  screenshot,
  type LaunchedBrowser,
} from './support.ts';

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'";

const ACCESSIBLE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Harness: accessible page</title>
    <link rel="stylesheet" href="/style.css">
    <script src="/app.js"></script>
  </head>
  <body>
    <main>
      <h1>Attendance writeback</h1>
      <form action="/accessible" method="get">
        <label for="school">School number</label>
        <input id="school" name="school" type="text" inputmode="numeric">
        <button type="submit">Save</button>
      </form>
    </main>
    <script>window.inlineRan = true;</script>
  </body>
</html>`;

const INACCESSIBLE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Harness: inaccessible page</title>
    <link rel="stylesheet" href="/style.css">
  </head>
  <body>
    <main>
      <h1>Settings</h1>
      <input id="unlabelled" type="text">
      <img src="/pixel.png">
      <p class="faint">Too faint to read</p>
    </main>
  </body>
</html>`;

/** The pages' script file (allowed by script-src 'self'): records CSP refusals, marks it ran. */
const APP_JS = `window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.cspViolations.push(event.violatedDirective);
});
document.documentElement.dataset.app = 'ran';
`;

/** #bbb on white: 1.9:1, below AA's 4.5:1. */
const STYLE_CSS = `body { font: 16px/1.5 sans-serif; color: #1a1a1a; background: #fff; }
.faint { color: #bbb; }
`;

/** A 1x1 transparent PNG. */
const PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

let server: ServerType;
let base: string;
let browser: LaunchedBrowser;

beforeAll(async () => {
  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    c.header('Content-Security-Policy', CSP);
  });
  app.get('/accessible', (c) => c.html(ACCESSIBLE));
  app.get('/inaccessible', (c) => c.html(INACCESSIBLE));
  app.get('/app.js', (c) => c.body(APP_JS, 200, { 'Content-Type': 'text/javascript' }));
  app.get('/style.css', (c) => c.body(STYLE_CSS, 200, { 'Content-Type': 'text/css' }));
  app.get('/pixel.png', (c) => c.body(PIXEL_PNG, 200, { 'Content-Type': 'image/png' }));
  server = await new Promise<ServerType>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve(started),
    );
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  if (server) {
    if ('closeAllConnections' in server) server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('the browser harness', () => {
  it('finds no serious or critical violation on an accessible page', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${base}/accessible`);
    expect(response?.headers()['content-security-policy']).toBe(CSP);
    const violations = await axeViolations(page);
    expect(violations, formatViolations(violations)).toEqual([]);
    // Not even minor or moderate ones.
    const all = await axeViolations(page, {
      impacts: ['minor', 'moderate', 'serious', 'critical'],
    });
    expect(all, formatViolations(all)).toEqual([]);
    await page.close();
  });

  it('finds the unlabelled input, the image without alt and the faint text', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/inaccessible`);
    const violations = await axeViolations(page);
    const byId = Object.fromEntries(violations.map((v) => [v.id, v]));
    expect(Object.keys(byId), formatViolations(violations)).toEqual(
      expect.arrayContaining(['label', 'image-alt', 'color-contrast']),
    );
    expect(byId['label']).toMatchObject({ impact: 'critical', targets: ['#unlabelled'] });
    expect(byId['image-alt']?.targets).toEqual(['img']);
    expect(byId['color-contrast']?.targets).toEqual(['p']);
    expect(formatViolations(violations)).toMatch(/^\[critical\] label: .+ \(#unlabelled\)$/m);
    // Only the impacts asked for.
    const critical = await axeViolations(page, { impacts: ['critical'] });
    expect(critical.map((v) => v.impact)).not.toContain('serious');
    expect(critical.map((v) => v.id)).toContain('image-alt');
    await page.close();
  });

  it('runs axe where the CSP refuses inline script', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/accessible`);
    // The page's own script file ran; its inline script did not, and the refusal was reported.
    expect(await page.evaluate('document.documentElement.dataset.app')).toBe('ran');
    expect(await page.evaluate('typeof window.inlineRan')).toBe('undefined');
    expect(await page.evaluate('window.cspViolations')).toContain('script-src-elem');
    // Which is why axe is not added as an inline script tag: Playwright reports it refused.
    await expect(page.addScriptTag({ content: 'window.tagRan = true;' })).rejects.toThrow(
      /Content Security Policy/,
    );
    expect(await page.evaluate('typeof window.tagRan')).toBe('undefined');
    // Evaluated through Playwright, axe loads and runs all the same.
    expect(await page.evaluate('typeof window.axe')).toBe('undefined');
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.evaluate('typeof window.axe.run')).toBe('function');
    await page.close();
  });

  it('moves keyboard focus to the form field with Tab', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/accessible`);
    expect(await page.evaluate('document.activeElement === document.body')).toBe(true);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('school');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Save');
    await page.close();
  });

  it('writes a PNG screenshot of the laptop-sized viewport to a temporary directory', async () => {
    vi.stubEnv('PSWB_SCREENSHOTS', '');
    try {
      const page = await browser.newPage();
      await page.goto(`${base}/accessible`);
      const path = await screenshot(page, 'harness-accessible');
      expect(path.startsWith(tmpdir())).toBe(true);
      expect(path.endsWith('/harness-accessible.png')).toBe(true);
      const png = await readFile(path);
      expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1366, 768]);
      await rm(dirname(path), { recursive: true });
      await page.close();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('fails, naming the package to install, when Chromium is missing', async () => {
    vi.stubEnv('PSWB_CHROMIUM', '/nonexistent/chromium');
    vi.resetModules();
    try {
      const support = await import('./support.ts');
      expect(support.CHROMIUM_PATH).toBe('/nonexistent/chromium');
      await expect(support.launchBrowser()).rejects.toThrow(/apt-get install chromium/);
    } finally {
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });
});
