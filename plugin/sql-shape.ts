/**
 * Just enough of a PowerQuery's SQL to check the installer's and runtime's rules without a SQL
 * parser: the top-level select list (how many columns, their names), whether a top-level ORDER
 * BY exists, and which `:bind` names it uses. String literals and comments are masked first so
 * their commas, parentheses and colons count for nothing.
 */

/** One item of the top-level select list. */
export interface SelectItem {
  /** The item as written (literals masked). */
  text: string;
  /** The column name Oracle gives it (alias, or the column of a plain reference); null if none. */
  outputName: string | null;
}

/** What the rules need to know about one query's SQL. */
export interface SelectShape {
  /** The top-level select list; null when a `*` makes the column count unknowable. */
  items: SelectItem[] | null;
  hasTopLevelOrderBy: boolean;
  /** Distinct `:name` bind variables, in order of first use. */
  binds: string[];
  /** False when parentheses do not pair up (the rest is then a best effort). */
  balanced: boolean;
}

type MaskState = 'code' | 'string' | 'quoted' | 'line-comment' | 'block-comment';

function nextMaskState(sql: string, index: number): MaskState | undefined {
  const pair = sql.slice(index, index + 2);
  if (pair === '--') return 'line-comment';
  if (pair === '/*') return 'block-comment';
  if (sql[index] === "'") return 'string';
  if (sql[index] === '"') return 'quoted';
  return undefined;
}

/**
 * Replaces the inside of string literals and comments with spaces and the inside of quoted
 * identifiers with underscores-for-non-word characters, keeping every position.
 */
export function maskSql(sql: string): string {
  let out = '';
  let state: MaskState = 'code';
  for (let index = 0; index < sql.length; index += 1) {
    const char = sql[index]!;
    if (state === 'code') {
      const next = nextMaskState(sql, index);
      if (next === 'line-comment' || next === 'block-comment') {
        state = next;
        out += ' ';
        continue;
      }
      if (next) state = next;
      out += char;
    } else if (state === 'string') {
      if (char === "'" && sql[index + 1] === "'") {
        out += '  ';
        index += 1;
      } else if (char === "'") {
        state = 'code';
        out += char;
      } else out += char === '\n' ? '\n' : ' ';
    } else if (state === 'quoted') {
      if (char === '"') state = 'code';
      out += char === '"' || /\w/.test(char) ? char : '_';
    } else if (state === 'line-comment') {
      if (char === '\n') state = 'code';
      out += char === '\n' ? '\n' : ' ';
    } else {
      if (char === '*' && sql[index + 1] === '/') {
        state = 'code';
        out += '  ';
        index += 1;
      } else out += char === '\n' ? '\n' : ' ';
    }
  }
  return out;
}

/** Blanks everything inside parentheses, so regular expressions see only the top level. */
function topLevelOnly(masked: string): { text: string; balanced: boolean } {
  let depth = 0;
  let balanced = true;
  let text = '';
  for (const char of masked) {
    if (char === '(') depth += 1;
    if (depth > 0 && char !== '(' && char !== ')') text += char === '\n' ? '\n' : ' ';
    else text += char;
    if (char === ')') {
      depth -= 1;
      if (depth < 0) {
        balanced = false;
        depth = 0;
      }
    }
  }
  return { text, balanced: balanced && depth === 0 };
}

/** Splits on commas that are not inside parentheses. */
function splitTopLevelCommas(list: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < list.length; index += 1) {
    const char = list[index];
    if (char === '(') depth += 1;
    else if (char === ')') depth -= 1;
    else if (char === ',' && depth === 0) {
      items.push(list.slice(start, index));
      start = index + 1;
    }
  }
  items.push(list.slice(start));
  return items.map((item) => item.trim());
}

/** Words that end an expression and so can never be an implicit alias. */
const NOT_AN_ALIAS = new Set(['END', 'NULL', 'AND', 'OR', 'NOT', 'IS', 'IN', 'THEN', 'ELSE']);
const IDENTIFIER = '"?[A-Za-z_][\\w$#]*"?';
const EXPLICIT_ALIAS = new RegExp(`\\s+as\\s+(${IDENTIFIER})$`, 'i');
const PLAIN_REFERENCE = new RegExp(`^(?:${IDENTIFIER}\\.){0,2}(${IDENTIFIER})$`);
const IMPLICIT_ALIAS = new RegExp(`[\\w)"]\\s+(${IDENTIFIER})$`);

function unquote(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1) : name.toUpperCase();
}

/** The name Oracle gives a select item, or null when it has none (an unaliased expression). */
export function outputNameOf(item: string): string | null {
  const explicit = EXPLICIT_ALIAS.exec(item);
  if (explicit) return unquote(explicit[1]!);
  const plain = PLAIN_REFERENCE.exec(item);
  if (plain) return unquote(plain[1]!);
  const implicit = IMPLICIT_ALIAS.exec(item);
  if (implicit && !NOT_AN_ALIAS.has(implicit[1]!.toUpperCase())) return unquote(implicit[1]!);
  return null;
}

function collectBinds(masked: string): string[] {
  const binds = new Set<string>();
  for (const match of masked.matchAll(/(^|[^:\w]):([A-Za-z_][\w$#]*)/g)) binds.add(match[2]!);
  return [...binds];
}

/**
 * The shape of a query's SQL, or null when there is no top-level SELECT ... FROM. For WITH
 * queries the main SELECT is the first one outside the CTEs' parentheses; for UNIONs the first
 * branch names the columns, as in Oracle.
 */
export function analyzeSelect(sql: string): SelectShape | null {
  const masked = maskSql(sql);
  const { text: top, balanced } = topLevelOnly(masked);
  const select = /\bselect\b/i.exec(top);
  if (!select) return null;
  const listStart = select.index + select[0].length;
  const from = /\bfrom\b/i.exec(top.slice(listStart));
  if (!from) return null;
  const list = masked
    .slice(listStart, listStart + from.index)
    .replace(/^\s*(distinct|unique|all)\b/i, '');
  const texts = splitTopLevelCommas(list);
  const hasStar = texts.some((text) => /(^|\.)\*$/.test(text));
  return {
    items: hasStar ? null : texts.map((text) => ({ text, outputName: outputNameOf(text) })),
    hasTopLevelOrderBy: /\border\s+by\b/i.test(top.slice(listStart)),
    binds: collectBinds(masked),
    balanced,
  };
}
