/** Renders docs/troubleshooting.md from the catalogue (`npm run docs` writes it). */
import { TROUBLESHOOTING } from './catalogue.ts';
import type { TroubleshootingEntry } from './entry.ts';

const GROUPS: { kind: TroubleshootingEntry['kind']; heading: string; intro: string }[] = [
  {
    kind: 'plain-text',
    heading: 'Plain-text error messages',
    intro: 'Short messages the connector writes when a lookup in PowerSchool comes back empty.',
  },
  {
    kind: 'technical',
    heading: 'Technical error messages',
    intro:
      'PowerSchool\'s own answers, shown in this format (the body is cut at 120 characters; `pswb writeback logs --details` and `--json` keep the whole status and body):\n\n```\nClient error: `POST https://example.powerschool.com/exampleURL` resulted in a `example error code` response: {"message":"example error message","errors":[{example error details (truncated...)\n```\n\nThe most important information is the Error Code, the Error Message and the Error Details.',
  },
  {
    kind: 'connector',
    heading: 'Connector messages',
    intro: "Outcomes decided by the connector's own settings before anything is sent.",
  },
];

function renderEntry(entry: TroubleshootingEntry): string {
  const origin =
    entry.source === 'guide'
      ? ''
      : '\n_Inferred: not in the product guide; written for pswb from PowerSchool behaviour._\n';
  return [
    `### ${entry.title}`,
    origin,
    `Catalogue id: \`${entry.id}\``,
    '',
    'Example:',
    '',
    '```',
    entry.example,
    '```',
    '',
    `**Meaning:** ${entry.meaning}`,
    '',
    entry.causes.length === 1 ? '**Cause:**' : '**Possible causes:**',
    '',
    ...entry.causes.map((cause) => `- ${cause}`),
    '',
    '**How to resolve:**',
    '',
    ...entry.resolution.map((step) => `- ${step}`),
    '',
  ].join('\n');
}

/** The whole troubleshooting document. */
export function renderTroubleshootingMarkdown(): string {
  const sections = GROUPS.map((group) => {
    const entries = TROUBLESHOOTING.filter((entry) => entry.kind === group.kind);
    return [`## ${group.heading}`, '', group.intro, '', ...entries.map(renderEntry)].join('\n');
  });
  return `${[
    '# Troubleshooting writeback errors',
    '',
    '<!-- Generated from connector/troubleshooting.ts by `npm run docs`. Do not edit by hand. -->',
    '',
    'Every failed or not-attempted event in `pswb writeback logs` carries one of these messages. The log shows the meaning and how to resolve it next to the message (`--details`, `--json`). After a fix, re-send the events with `pswb writeback replay`.',
    '',
    ...sections,
    'If you continue to receive errors after making any corrections, or need help with an error that is not listed, contact Navigate360 Support.',
  ].join('\n')}\n`;
}
