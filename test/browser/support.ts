/**
 * Browser tests: Debian's Chromium driven by playwright-core (no downloaded browser), axe-core for
 * accessibility, and screenshots for the docs. Decision 072.
 *
 * axe is injected by evaluating its source through Playwright (CDP's Runtime domain), which the
 * page's Content-Security-Policy does not apply to; a <script> tag with axe inline would be
 * refused under `script-src 'self'`.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AxeResults, RunOptions } from 'axe-core';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** The Chromium binary: Debian's package, or env PSWB_CHROMIUM. */
export const CHROMIUM_PATH = process.env['PSWB_CHROMIUM'] || '/usr/bin/chromium';

/** Chromium's flags: headless, no sandbox (containers, root), nothing fetched in the background. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A laptop's screen. */
const VIEWPORT = { width: 1366, height: 768 };

export interface LaunchedBrowser {
  context: BrowserContext;
  newPage(): Promise<Page>;
  /** Closes the browser and removes its profile directory; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Starts Chromium with a fresh profile in a temporary directory. Fails (does not skip) when the
 * binary is missing: CI installs it.
 */
export async function launchBrowser(): Promise<LaunchedBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: the browser tests need it. ` +
        'Install it with `apt-get install chromium` (Debian), or set PSWB_CHROMIUM to a Chromium binary.',
    );
  }
  const profile = await mkdtemp(join(tmpdir(), 'pswb-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: VIEWPORT,
      timeout: 20_000,
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    context,
    newPage: () => context.newPage(),
    close: () =>
      (closed ??= (async () => {
        try {
          await context.close();
        } finally {
          // Chromium may still be writing the profile as it exits: retry the removal a little.
          await rm(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
        }
      })()),
  };
}

export type AxeImpact = 'minor' | 'moderate' | 'serious' | 'critical';

export interface AxeViolation {
  /** axe's rule, e.g. 'label', 'image-alt', 'color-contrast'. */
  id: string;
  impact: AxeImpact;
  help: string;
  /** One CSS selector per failing element (inside frames or shadow roots: joined by ' >>> '). */
  targets: string[];
}

/** WCAG 2.0 and 2.1, levels A and AA, and axe's best practices. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

let axeSource: Promise<string> | undefined;
const loadAxeSource = (): Promise<string> =>
  (axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));

/** The page's global object as these evaluations see it (tsconfig has no DOM types). */
type AxeWindow = { axe?: { run(context: unknown, options: RunOptions): Promise<AxeResults> } };

/**
 * Runs axe on the page's document and returns its violations of the given impacts (default
 * serious and critical). axe's source is evaluated through Playwright, not added as a script tag,
 * so a strict Content-Security-Policy does not stop it.
 */
export async function axeViolations(
  page: Page,
  options: { impacts?: AxeImpact[] } = {},
): Promise<AxeViolation[]> {
  const impacts = options.impacts ?? ['serious', 'critical'];
  if (!(await page.evaluate(() => 'axe' in globalThis))) {
    await page.evaluate(await loadAxeSource());
  }
  const runOptions: RunOptions = {
    runOnly: { type: 'tag', values: AXE_TAGS },
    resultTypes: ['violations'],
  };
  const results = await page.evaluate((runOptions) => {
    const global = globalThis as unknown as AxeWindow & { document: unknown };
    if (!global.axe) throw new Error('axe-core did not load into the page');
    return global.axe.run(global.document, runOptions);
  }, runOptions);
  return results.violations
    .filter((violation): violation is typeof violation & { impact: AxeImpact } =>
      impacts.includes(violation.impact as AxeImpact),
    )
    .map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) =>
        node.target.map((part) => (Array.isArray(part) ? part.join(' >>> ') : part)).join(' >>> '),
      ),
    }));
}

/** Violations as lines for an assertion message: `[serious] label: help (targets)`. */
export function formatViolations(list: readonly AxeViolation[]): string {
  if (list.length === 0) return 'no accessibility violations';
  return list.map((v) => `[${v.impact}] ${v.id}: ${v.help} (${v.targets.join(', ')})`).join('\n');
}

const DOCS_IMAGES = fileURLToPath(new URL('../../docs/images/', import.meta.url));
let screenshotDir: Promise<string> | undefined;

/**
 * Screenshots the viewport to docs/images/<name>.png when env PSWB_SCREENSHOTS=1 (to refresh the
 * docs), otherwise to a temporary directory; returns the file's path.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(name)) {
    throw new Error(`screenshot name ${JSON.stringify(name)}: letters, digits, '.', '_', '-' only`);
  }
  const dir =
    process.env['PSWB_SCREENSHOTS'] === '1'
      ? DOCS_IMAGES
      : await (screenshotDir ??= mkdtemp(join(tmpdir(), 'pswb-screenshots-')));
  // Again each time: a test may have removed the temporary directory.
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, type: 'png' });
  return path;
}
