/**
 * A contract run as JUnit XML, the report format CI systems (GitHub Actions, GitLab, Jenkins)
 * read: one testcase per interaction, failures and skips with their problems.
 */
import type { InteractionResult, RunResult } from './result.ts';

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function testcase(result: InteractionResult): string {
  const name = escapeXml(`${result.method} ${result.path ?? result.name}: ${result.title}`);
  const time = ((result.durationMs ?? 0) / 1000).toFixed(3);
  const head = `    <testcase classname="contract.${escapeXml(result.name)}" name="${name}" time="${time}"`;
  const problems = escapeXml(result.problems.join('\n'));
  if (result.outcome === 'pass') return `${head}/>`;
  if (result.outcome === 'skip')
    return `${head}>\n      <skipped message="${problems}"/>\n    </testcase>`;
  const message = escapeXml(result.problems[0] ?? 'failed');
  return `${head}>\n      <failure message="${message}">${problems}</failure>\n    </testcase>`;
}

/** The run as a JUnit XML document, `suite` naming the target. */
export function renderJunit(run: RunResult, suite: string): string {
  const seconds = run.results.reduce((sum, result) => sum + (result.durationMs ?? 0), 0) / 1000;
  const counts = `tests="${run.results.length}" failures="${run.failed}" errors="0" skipped="${run.skipped}" time="${seconds.toFixed(3)}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="pswb contract" ${counts}>`,
    `  <testsuite name="${escapeXml(suite)}" ${counts}>`,
    ...run.results.map(testcase),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
