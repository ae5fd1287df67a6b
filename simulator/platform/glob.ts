/**
 * Path globs for fault rules and journal filters: `*` matches within one path segment, `**`
 * matches across segments, everything else is literal. `*` or `**` alone match every path.
 */

const compiled = new Map<string, RegExp>();

/** Compiles a glob once and caches it (rules are matched on every request). */
export function globToRegExp(glob: string): RegExp {
  let pattern = compiled.get(glob);
  if (pattern) return pattern;
  if (glob === '*' || glob === '**') {
    pattern = /^.*$/s;
  } else {
    let source = '';
    for (let index = 0; index < glob.length; index += 1) {
      const char = glob[index]!;
      if (char === '*' && glob[index + 1] === '*') {
        source += '.*';
        index += 1;
      } else if (char === '*') {
        source += '[^/]*';
      } else if (char === '?') {
        source += '[^/]';
      } else {
        source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      }
    }
    pattern = new RegExp(`^${source}$`);
  }
  compiled.set(glob, pattern);
  return pattern;
}

/** True when `path` matches `glob`. */
export function matchesGlob(glob: string, path: string): boolean {
  return globToRegExp(glob).test(path);
}

/** True when the text uses glob syntax (otherwise filters treat it as a substring). */
export function isGlob(text: string): boolean {
  return text.includes('*') || text.includes('?');
}
