/**
 * Turns zod issues into one-line problems such as `expires_in: expected string, got number`.
 * Values are described by type, never printed, so a student's name or a token cannot leak into
 * the output; only literal mismatches (token_type) show the value, which is never personal.
 */
import type { z } from 'zod';

type Issue = z.core.$ZodIssue;
type PathPart = PropertyKey;

/** The type word used in messages: null, array, nothing, or typeof. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function joinPath(parts: readonly PathPart[]): string {
  let text = '';
  for (const part of parts) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text ? `.${String(part)}` : String(part);
  }
  return text || '(body)';
}

function typeProblem(where: string, expected: string, input: unknown): string {
  const got = describeType(input);
  return got === 'nothing'
    ? `${where}: missing (expected ${expected})`
    : `${where}: expected ${expected}, got ${got}`;
}

function isTypeMismatchAtRoot(issues: readonly Issue[]): boolean {
  return issues.length === 1 && issues[0]?.code === 'invalid_type' && issues[0].path.length === 0;
}

/**
 * For a union, the branch that explains the failure: one whose type matched (its problems are
 * inside the value); when every branch is a plain type mismatch, their expectations merged.
 */
function formatUnion(issue: Issue & { code: 'invalid_union' }, base: PathPart[]): string[] {
  const branches = issue.errors;
  const informative = branches.find((branch) => !isTypeMismatchAtRoot(branch));
  if (informative) return informative.flatMap((inner) => formatIssue(inner, base));
  const expected = branches.map((branch) => (branch[0] as { expected?: string }).expected);
  return [typeProblem(joinPath(base), expected.join(' or '), issue.input)];
}

function formatIssue(issue: Issue, prefix: PathPart[] = []): string[] {
  const path = [...prefix, ...issue.path];
  const where = joinPath(path);
  switch (issue.code) {
    case 'invalid_union':
      return formatUnion(issue, path);
    case 'invalid_type':
      return [typeProblem(where, issue.expected, issue.input)];
    case 'invalid_value': {
      const valid = issue.values.map((value) => JSON.stringify(value)).join(' or ');
      const got =
        typeof issue.input === 'string' ? JSON.stringify(issue.input) : describeType(issue.input);
      return [`${where}: expected ${valid}, got ${got}`];
    }
    case 'unrecognized_keys':
      return [`${where}: unexpected key(s) ${issue.keys.join(', ')}`];
    default:
      return [`${where}: ${issue.message}`];
  }
}

/** Every problem in a zod error, one line each, with the path in dotted form. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.flatMap((issue) => formatIssue(issue));
}
