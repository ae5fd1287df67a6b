import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PLUGIN_ERROR_CODES, PLUGIN_ERROR_FIXES } from '../../plugin/plugin-error.ts';
import { FINDING_LEVELS, RULE_IDS, RULES } from '../../plugin/rules.ts';

const DOC = readFileSync(new URL('../../docs/plugin.md', import.meta.url), 'utf8');

/** The rows of the "Every rule" table: rule id, level, what it checks, source. */
function documentedRules(): string[][] {
  const section = DOC.slice(DOC.indexOf('## Every rule'), DOC.indexOf('## The access_request'));
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replace(/\\\|/g, '|').replace(/^`|`$/g, '')),
    );
}

describe('the rule catalogue and docs/plugin.md', () => {
  it('documents every rule with its level, what it checks and its source, in catalogue order', () => {
    const expected = RULE_IDS.map((id) => [
      id,
      RULES[id].level,
      RULES[id].checks,
      RULES[id].source,
    ]);
    expect(documentedRules()).toEqual(expected);
  });

  it('gives every rule a level and a non-empty source ("inferred" where there is none)', () => {
    for (const id of RULE_IDS) {
      expect(FINDING_LEVELS, id).toContain(RULES[id].level);
      expect(RULES[id].source.length, id).toBeGreaterThan(0);
    }
  });

  it('documents every PluginError code, each with a fix', () => {
    for (const code of PLUGIN_ERROR_CODES) {
      expect(DOC, code).toContain(`| \`${code}\``);
      expect(PLUGIN_ERROR_FIXES[code].length, code).toBeGreaterThan(0);
    }
  });
});
