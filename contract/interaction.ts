/**
 * One interaction of the contract suite: a request the connector depends on, the status it must
 * get, the schema its body must pass, and what later interactions learn from it.
 */
import type { z } from 'zod';
import type { FactKey, Facts, FactStore } from './facts.ts';

/** The HTTP methods the suite uses. */
export const HTTP_METHODS = ['GET', 'POST'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/**
 * How a request authenticates: none (metadata, time), Basic with the client id and secret (the
 * token request), the plugin's bearer token, or a deliberately wrong bearer token (the 401 check).
 */
export const AUTH_MODES = ['none', 'basic', 'bearer', 'wrong-bearer'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** A request body: a form (the token request) or JSON (queries, attendance). */
export type RequestBody = { form: Record<string, string> } | { json: unknown };

/** An interaction ready for the runner (its fact types erased). */
export interface Interaction {
  /** Stable id, kebab-case: names the fixture file and appears on SKIP lines. */
  name: string;
  /** What the interaction proves, shown on its output line. */
  title: string;
  method: HttpMethod;
  auth: AuthMode;
  /** Facts that must be known before it can run; it is skipped otherwise. */
  needs: readonly FactKey[];
  path: (facts: FactStore) => string;
  body?: (facts: FactStore) => RequestBody;
  expectStatus: number;
  schema: z.ZodType;
  /** True for a request that changes data on the server (only run with --allow-writes). */
  writes: boolean;
  /** True for the token request: the runner keeps the token (never printed, never a fact). */
  yieldsToken: boolean;
  /** Checks beyond the schema, on the parsed body, and learns facts; returns the problems. */
  inspect?: (body: unknown, facts: FactStore) => string[];
}

type Known<N extends FactKey> = Pick<Facts, N>;

/** An interaction as written in interactions.ts, typed by the facts it needs and its schema. */
export interface InteractionSpec<N extends FactKey, S extends z.ZodType> {
  name: string;
  title: string;
  method: HttpMethod;
  auth: AuthMode;
  needs?: readonly N[];
  path: string | ((known: Known<N>) => string);
  body?: (known: Known<N>) => RequestBody;
  expectStatus: number;
  schema: S;
  writes?: boolean;
  yieldsToken?: boolean;
  inspect?: (body: z.output<S>, facts: FactStore, known: Known<N>) => string[] | void;
}

/** Builds an Interaction from a typed spec; the runner only calls it once `needs` are known. */
export function defineInteraction<const N extends FactKey = never, S extends z.ZodType = z.ZodType>(
  spec: InteractionSpec<N, S>,
): Interaction {
  const needs: readonly N[] = spec.needs ?? [];
  const knownFrom = (facts: FactStore): Known<N> =>
    Object.fromEntries(needs.map((key) => [key, facts.get(key)])) as Known<N>;
  const { path, body, inspect } = spec;
  return {
    name: spec.name,
    title: spec.title,
    method: spec.method,
    auth: spec.auth,
    needs,
    path: typeof path === 'string' ? () => path : (facts) => path(knownFrom(facts)),
    ...(body ? { body: (facts: FactStore) => body(knownFrom(facts)) } : {}),
    expectStatus: spec.expectStatus,
    schema: spec.schema,
    writes: spec.writes ?? false,
    yieldsToken: spec.yieldsToken ?? false,
    ...(inspect
      ? {
          inspect: (parsed: unknown, facts: FactStore) =>
            inspect(parsed as z.output<S>, facts, knownFrom(facts)) ?? [],
        }
      : {}),
  };
}
