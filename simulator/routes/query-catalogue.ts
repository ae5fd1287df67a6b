/**
 * What a plugin learns about the PowerQueries it may run. GET /ws/schema/query/api answers a
 * Swagger 2.0 document, as public plugin pages read it (PQUI): `paths["/ws/schema/query/<name>"]
 * .post` with `summary`, `tags`, `x-plugin-id`, and a body parameter whose `$ref` names
 * `definitions["powerquery.param.<name>"]` (properties, required); the rows are
 * `definitions["powerquery.resp.<name>.record"].properties`. GET /ws/schema/query/{name}/metadata
 * describes one query (inferred shape: its declaration as the plugin file states it).
 */
import type { QueryArg, QueryDefinition } from '../../plugin/contract.ts';
import type { ResultColumn } from './query-results.ts';

/** A query a plugin may run: its name, summary, args and output columns. */
export interface RunnableQuery {
  name: string;
  summary: string;
  description: string;
  coreTable: string;
  args: readonly QueryArg[];
  columns: readonly ResultColumn[];
}

/** A runnable query from the installed plugin's own declaration. */
export function runnableFrom(definition: QueryDefinition): RunnableQuery {
  return {
    name: definition.name,
    summary: definition.summary,
    description: definition.description,
    coreTable: definition.coreTable,
    args: definition.args,
    columns: definition.columns.map(({ column, alias }) => ({ alias, column })),
  };
}

function argProperty(arg: QueryArg): object {
  const text = { type: 'string', ...(arg.description ? { description: arg.description } : {}) };
  return arg.type === 'array' ? { type: 'array', items: { type: 'string' } } : text;
}

function pathEntry(query: RunnableQuery, pluginId: number | undefined): object {
  const parameters = query.args.length
    ? [
        {
          in: 'body',
          name: 'body',
          required: query.args.some((arg) => arg.required),
          schema: { $ref: `#/definitions/powerquery.param.${query.name}` },
        },
      ]
    : [];
  return {
    post: {
      tags: [query.coreTable || 'powerquery'],
      summary: query.summary || query.name,
      description: query.description,
      operationId: query.name,
      parameters,
      responses: {
        200: { description: 'OK', schema: { $ref: `#/definitions/powerquery.resp.${query.name}` } },
      },
      ...(pluginId !== undefined ? { 'x-plugin-id': pluginId } : {}),
      'x-trusted': false,
    },
  };
}

function definitions(query: RunnableQuery): Record<string, object> {
  const entries: Record<string, object> = {
    [`powerquery.resp.${query.name}`]: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        record: {
          type: 'array',
          items: { $ref: `#/definitions/powerquery.resp.${query.name}.record` },
        },
      },
    },
    [`powerquery.resp.${query.name}.record`]: {
      type: 'object',
      properties: Object.fromEntries(query.columns.map((c) => [c.alias, { type: 'string' }])),
    },
  };
  if (query.args.length) {
    const required = query.args.filter((arg) => arg.required).map((arg) => arg.name);
    entries[`powerquery.param.${query.name}`] = {
      type: 'object',
      properties: Object.fromEntries(query.args.map((arg) => [arg.name, argProperty(arg)])),
      ...(required.length ? { required } : {}),
    };
  }
  return entries;
}

/** GET /ws/schema/query/api: every query the plugin may run, as a Swagger 2.0 document. */
export function queryCatalogue(
  queries: readonly { query: RunnableQuery; pluginId?: number }[],
): object {
  return {
    swagger: '2.0',
    info: { title: 'PowerQueries', version: '1' },
    basePath: '/',
    paths: Object.fromEntries(
      queries.map(({ query, pluginId }) => [
        `/ws/schema/query/${query.name}`,
        pathEntry(query, pluginId),
      ]),
    ),
    definitions: Object.assign({}, ...queries.map(({ query }) => definitions(query))),
  };
}

/** GET /ws/schema/query/{name}/metadata (inferred shape). */
export function queryMetadata(query: RunnableQuery): object {
  return {
    name: query.name,
    summary: query.summary,
    description: query.description,
    coreTable: query.coreTable,
    flattened: true,
    arguments: query.args.map((arg) => ({
      name: arg.name,
      type: arg.type,
      required: arg.required,
      column: arg.column ?? '',
      description: arg.description,
    })),
    columns: query.columns.map((column) => ({ name: column.alias, column: column.column })),
  };
}
