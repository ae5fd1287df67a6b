/**
 * Checks an answer of the simulator against the OpenAPI document the simulator serves
 * (/__sim/openapi.json): the operation for the method and path, the schema for the status (the
 * `default` refusal schema for any other status), turned back into zod with z.fromJSONSchema.
 * The harnesses run it on every answer, so every answer of the suite is held to the document.
 */
import { z } from 'zod';

interface Operation {
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

/** One answer to check. */
export interface Answer {
  method: string;
  path: string;
  status: number;
  body: unknown;
}

/** A checker for one document; throws naming the route and the first problems on a mismatch. */
export class AnswerChecker {
  readonly #paths: { pattern: RegExp; template: string; operations: Record<string, Operation> }[];
  readonly #schemas = new Map<unknown, z.ZodType>();
  readonly #refusal: z.ZodType;

  constructor(document: OpenApiDocument) {
    this.#paths = Object.entries(document.paths).map(([template, operations]) => ({
      template,
      operations,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
    }));
    const anyOperation = Object.values(document.paths)[0]!;
    const anyDefault = Object.values(anyOperation)[0]!.responses.default!;
    this.#refusal = this.#zodOf(anyDefault.content!['application/json']!.schema);
  }

  /** The operations a path has (by lower-case method), or undefined for an unknown path. */
  operationsAt(path: string): Record<string, Operation> | undefined {
    return this.#paths.find((entry) => entry.pattern.test(path))?.operations;
  }

  /** Throws when the answer does not match its schema. */
  check(answer: Answer): void {
    const operation = this.operationsAt(answer.path)?.[answer.method.toLowerCase()];
    const declared = operation?.responses[String(answer.status)];
    if (!declared && answer.status < 400) {
      throw new Error(
        `${answer.method} ${answer.path} answered ${answer.status}, which the OpenAPI document does not declare`,
      );
    }
    const schema = declared?.content?.['application/json']?.schema;
    const zod = schema === undefined ? this.#refusal : this.#zodOf(schema);
    const result = zod.safeParse(answer.body);
    if (!result.success) {
      const problems = result.error.issues
        .slice(0, 5)
        .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
      throw new Error(
        `${answer.method} ${answer.path} ${answer.status} does not match /__sim/openapi.json: ${problems.join('; ')}\n${JSON.stringify(answer.body).slice(0, 600)}`,
      );
    }
  }

  #zodOf(schema: unknown): z.ZodType {
    let zod = this.#schemas.get(schema);
    if (!zod) {
      zod = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
      this.#schemas.set(schema, zod);
    }
    return zod;
  }
}

/** Checks a fetched Response (its body read from a clone), skipping network-error responses. */
export async function checkResponse(
  checker: AnswerChecker,
  method: string,
  url: string,
  response: Response,
): Promise<void> {
  if (response.type === 'error' || response.status === 0) return;
  const path = new URL(url, 'http://sim.test').pathname;
  const text = await response.clone().text();
  if (method === 'HEAD' || text === '') return;
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    throw new Error(`${method} ${path} ${response.status} answered a body that is not JSON`);
  }
  checker.check({ method, path, status: response.status, body });
}
