/**
 * The contract between the simulator and its OpenAPI document: /__sim/openapi.json lists every
 * route the simulator serves (and nothing it does not), says where each behaviour comes from,
 * and every answer in the suite is checked against it (the harness's AnswerChecker).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { demoSimulator, type DemoSimulator } from './district-harness.ts';
import { AnswerChecker } from './openapi-check.ts';

interface Document {
  openapi: string;
  paths: Record<string, Record<string, { 'x-source': string; summary: string }>>;
}

let sim: DemoSimulator;
let document: Document;
beforeAll(async () => {
  sim = await demoSimulator();
  document = (await sim.json<Document>('GET', '/__sim/openapi.json', { token: null })).body;
});

/** "METHOD /path/{param}" for each route Hono serves (middleware, registered as ALL, left out). */
function servedOperations(app: DemoSimulator['app']): Set<string> {
  return new Set(
    app.routes
      .filter((route) => route.method !== 'ALL')
      .map((route) => `${route.method} ${route.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`),
  );
}

function documentedOperations(doc: Document): Set<string> {
  return new Set(
    Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    ),
  );
}

describe('/__sim/openapi.json', () => {
  it('is an OpenAPI 3.1 document of every route the simulator serves, and only those', () => {
    expect(document.openapi).toBe('3.1.0');
    expect([...documentedOperations(document)].sort()).toEqual(
      [...servedOperations(sim.app)].sort(),
    );
  });

  it('names the source of every route: a public reference or client, or "inferred"', () => {
    for (const operations of Object.values(document.paths)) {
      for (const operation of Object.values(operations)) {
        expect(operation['x-source'].length).toBeGreaterThan(5);
        expect(operation.summary.length).toBeGreaterThan(5);
      }
    }
  });

  it.each([
    ['24.11.0.0', false],
    ['25.3.0', true],
  ])('on PowerSchool %s lists batch_daily_time: %s', async (psVersion, listed) => {
    const other = await demoSimulator({ psVersion });
    const doc = (await other.json<Document>('GET', '/__sim/openapi.json', { token: null })).body;
    expect('/ws/attendance/batch_daily_time' in doc.paths).toBe(listed);
    expect([...documentedOperations(doc)].sort()).toEqual([...servedOperations(other.app)].sort());
  });

  it('holds answers to it: a body that strays from the schema is refused', () => {
    const checker = new AnswerChecker(document as never);
    expect(() =>
      checker.check({
        method: 'GET',
        path: '/ws/v1/district',
        status: 200,
        body: { district: { name: 'x', district_number: '1', extra: true } },
      }),
    ).toThrow(/does not match/);
    expect(() =>
      checker.check({ method: 'GET', path: '/ws/v1/district', status: 201, body: {} }),
    ).toThrow(/does not declare/);
    expect(() =>
      checker.check({
        method: 'GET',
        path: '/ws/v1/district',
        status: 200,
        body: { district: { name: 'Riverbend', district_number: '1' } },
      }),
    ).not.toThrow();
  });
});
