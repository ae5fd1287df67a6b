/**
 * The OpenAPI 3.1 document of the simulated PowerSchool API, built from the route table: each
 * route's parameters, body and answers, with the JSON Schema zod derives from the same schemas
 * the routes are checked against (zod 4's toJSONSchema; decision 023). Served at
 * /__sim/openapi.json.
 */
import { z } from 'zod';
import { anyErrorAnswer } from './answers.ts';
import type { RouteSpec } from './route-spec.ts';

/** A JSON Schema object (as zod writes it). */
type JsonSchema = Record<string, unknown>;

/** zod -> JSON Schema 2020-12 (OpenAPI 3.1's dialect), without the per-schema $schema key. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

/** /ws/v1/student/:id -> /ws/v1/student/{id}. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_]+)/g, '{$1}');
}

function parametersOf(spec: RouteSpec): object[] {
  const inPath = [...spec.path.matchAll(/:([A-Za-z_]+)/g)].map((match) => ({
    name: match[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const inQuery = Object.entries(spec.query ?? {}).map(([name, parameter]) => ({
    name,
    in: 'query',
    required: false,
    description: parameter.description,
    schema: jsonSchemaOf(parameter.schema ?? z.string()),
  }));
  return [...inPath, ...inQuery];
}

function operationOf(spec: RouteSpec, defaultError: JsonSchema): object {
  const responses: Record<string, object> = {};
  for (const [status, answer] of Object.entries(spec.answers)) {
    if (!answer) continue;
    responses[status] = {
      description: answer.description,
      ...(answer.headers
        ? {
            headers: Object.fromEntries(
              Object.entries(answer.headers).map(([name, description]) => [
                name,
                { description, schema: { type: 'string' } },
              ]),
            ),
          }
        : {}),
      content: { 'application/json': { schema: jsonSchemaOf(answer.schema) } },
    };
  }
  responses.default = {
    description: 'A refusal, in PowerSchool error shape (OAuth 2.0 shape on the token endpoint).',
    content: { 'application/json': { schema: defaultError } },
  };
  return {
    operationId: `${spec.method.toLowerCase()}${openApiPath(spec.path).replace(/[^A-Za-z0-9]+/g, '_')}`,
    summary: spec.summary,
    description: `Source: ${spec.source}`,
    tags: [spec.area],
    'x-source': spec.source,
    'x-auth': spec.auth,
    ...(spec.feature ? { 'x-feature': spec.feature } : {}),
    parameters: parametersOf(spec),
    ...(spec.body
      ? {
          requestBody: {
            description: spec.body.description,
            content: Object.fromEntries(
              spec.body.mediaTypes.map((type) => [
                type,
                { schema: jsonSchemaOf(spec.body!.schema, 'input') },
              ]),
            ),
          },
        }
      : {}),
    responses,
  };
}

/** The OpenAPI document of the routes a server of `psVersion` has. */
export function buildOpenApiDocument(specs: readonly RouteSpec[], psVersion: string): object {
  const defaultError = jsonSchemaOf(anyErrorAnswer);
  const paths: Record<string, Record<string, object>> = {};
  for (const spec of specs) {
    const path = openApiPath(spec.path);
    paths[path] ??= {};
    paths[path][spec.method.toLowerCase()] = operationOf(spec, defaultError);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'PowerSchool SIS plugin API, as pswb simulates it',
      version: psVersion,
      description:
        'Every route the pswb simulator serves, with the source of its behaviour (x-source: a public reference or client, or "inferred"). Generated from the route table; see docs/simulator-coverage.md.',
    },
    paths,
  };
}
