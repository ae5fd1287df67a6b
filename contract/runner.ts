/**
 * Runs the interactions in order against one server, checks each answer's status and schema,
 * prints one line per interaction and returns the tally. Credentials and the token stay inside
 * the run: they are sent, never printed, and removed from anything recorded.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { FactStore, type Facts } from './facts.ts';
import type { RecordedExchange } from './fixtures.ts';
import { formatIssues } from './format-issues.ts';
import { sendRequest, type IncomingResponse, type OutgoingRequest } from './http.ts';
import type { Interaction } from './interaction.ts';
import { redactBody, redactText, selectHeaders } from './redaction.ts';
import { formatResultLine } from './report.ts';
import type { InteractionResult, Outcome, RunResult } from './result.ts';

/** The plugin's credentials, from Data Provider Configuration (or the simulator). */
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface RunOptions {
  /** Scheme and host, no path, no trailing slash: https://district.example */
  baseUrl: string;
  credentials: ClientCredentials;
  interactions: readonly Interaction[];
  /** Facts fixed by the caller (--date, the write check's test student, school and code). */
  pinned?: Partial<Facts>;
  /** Without it an interaction that writes is refused, whatever list it came in. */
  allowWrites?: boolean;
  dispatcher?: Dispatcher;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  /** Receives one line per interaction as it finishes. */
  print?: (line: string) => void;
  /** Receives each exchange, already redacted (the record mode). */
  record?: (exchange: RecordedExchange) => Promise<void>;
}

export { OUTCOMES, type InteractionResult, type Outcome, type RunResult } from './result.ts';

interface Session {
  options: RunOptions;
  facts: FactStore;
  token?: string;
  secrets: string[];
}

function authHeaders(interaction: Interaction, session: Session): Record<string, string> {
  const { clientId, clientSecret } = session.options.credentials;
  switch (interaction.auth) {
    case 'none':
      return {};
    case 'basic':
      return {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      };
    case 'bearer':
      return { authorization: `Bearer ${session.token ?? ''}` };
    case 'wrong-bearer':
      // A token no server issued: a fresh UUID, the shape of a real one.
      return { authorization: `Bearer ${randomUUID()}` };
    default:
      throw new Error(
        `unknown auth mode "${String(interaction.auth)}": none, basic, bearer, wrong-bearer`,
      );
  }
}

/** Why an interaction cannot run yet, or undefined when it can. */
function skipReason(interaction: Interaction, session: Session): string | undefined {
  if (interaction.writes && !session.options.allowWrites) {
    return 'writes data; run with --allow-writes and a named test student to include it';
  }
  if (interaction.auth === 'bearer' && session.token === undefined) {
    return 'needs a token; the token request did not give one';
  }
  const missing = session.facts.missing(interaction.needs);
  return missing.length ? `needs ${missing.join(', ')}, which no earlier answer gave` : undefined;
}

/**
 * Keeps the token from a token answer even when the answer fails its schema (expires_in as a
 * number, say), so the rest of the suite still runs and every drift shows, not just the first.
 */
function keepToken(body: unknown, session: Session): void {
  const token = (body as { access_token?: unknown } | null)?.access_token;
  if (typeof token !== 'string' || token === '') return;
  session.token = token;
  session.secrets.push(token);
}

/** The problems with an answer: wrong status, schema failures, then the interaction's checks. */
function judge(interaction: Interaction, response: IncomingResponse, session: Session): string[] {
  if (interaction.yieldsToken) keepToken(response.body, session);
  if (response.status !== interaction.expectStatus) {
    const snippet = JSON.stringify(redactBody(response.body, session.secrets)) ?? '';
    return [
      `expected status ${interaction.expectStatus}, got ${response.status}: ${snippet.slice(0, 200)}`,
    ];
  }
  const parsed = interaction.schema.safeParse(response.body, { reportInput: true });
  if (!parsed.success) return formatIssues(parsed.error);
  return interaction.inspect?.(parsed.data, session.facts) ?? [];
}

async function recordExchange(
  session: Session,
  interaction: Interaction,
  outgoing: OutgoingRequest,
  response: IncomingResponse,
): Promise<void> {
  const { record } = session.options;
  if (!record) return;
  const requestBody = outgoing.body && ('json' in outgoing.body ? outgoing.body.json : undefined);
  await record({
    interaction: interaction.name,
    request: {
      method: outgoing.method,
      path: redactText(outgoing.path, session.secrets),
      ...(requestBody !== undefined ? { body: redactBody(requestBody, session.secrets) } : {}),
    },
    response: {
      status: response.status,
      headers: selectHeaders(response.headers, session.secrets),
      body: redactBody(response.body, session.secrets),
    },
  });
}

async function runOne(interaction: Interaction, session: Session): Promise<InteractionResult> {
  const base = { name: interaction.name, title: interaction.title, method: interaction.method };
  const reason = skipReason(interaction, session);
  if (reason) return { ...base, outcome: 'skip', problems: [reason] };
  const outgoing: OutgoingRequest = {
    method: interaction.method,
    path: interaction.path(session.facts),
    headers: authHeaders(interaction, session),
    ...(interaction.body ? { body: interaction.body(session.facts) } : {}),
  };
  // What the result shows: the path and problems with every known secret removed.
  const path = redactText(outgoing.path, session.secrets);
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  let response: IncomingResponse;
  try {
    response = await sendRequest(outgoing, {
      baseUrl: session.options.baseUrl,
      timeoutMs: session.options.timeoutMs ?? 30_000,
      ...(session.options.dispatcher ? { dispatcher: session.options.dispatcher } : {}),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const problem = `no answer: ${redactText(message, session.secrets)}`;
    const failed = { ...base, path, outcome: 'fail' as const, durationMs: elapsed() };
    return { ...failed, problems: [problem], noAnswer: true };
  }
  const durationMs = elapsed();
  const problems = judge(interaction, response, session).map((problem) =>
    redactText(problem, session.secrets),
  );
  await recordExchange(session, interaction, outgoing, response);
  return {
    ...base,
    path,
    outcome: problems.length ? 'fail' : 'pass',
    status: response.status,
    durationMs,
    problems,
  };
}

/** Runs every interaction in order; one failing does not stop the others (skips follow needs). */
export async function runContract(options: RunOptions): Promise<RunResult> {
  const { clientId, clientSecret } = options.credentials;
  const session: Session = {
    options,
    facts: new FactStore(options.pinned),
    secrets: [clientId, clientSecret],
  };
  const results: InteractionResult[] = [];
  let unreachable: string | undefined;
  for (const interaction of options.interactions) {
    const result = await runOne(interaction, session);
    results.push(result);
    // A target that does not answer the first request is down or wrong: the other checks would
    // only repeat the same network error (and wait out a timeout each).
    const attempted = results.filter((done) => done.outcome !== 'skip');
    if (result.noAnswer && attempted.length === 1) {
      unreachable = result.problems[0]!.replace(/^no answer: /, '');
      break;
    }
    options.print?.(formatResultLine(result));
  }
  const count = (outcome: Outcome): number =>
    results.filter((result) => result.outcome === outcome).length;
  return {
    results,
    passed: count('pass'),
    failed: count('fail'),
    skipped: count('skip'),
    facts: session.facts.snapshot(),
    ...(unreachable !== undefined ? { unreachable } : {}),
  };
}
