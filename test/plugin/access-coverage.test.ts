import { describe, expect, it } from 'vitest';
import {
  ATTENDANCE_WRITE_FIELDS,
  deriveAccessRequest,
  QUERIES,
  queryReads,
} from '../../plugin/contract.ts';
import { renderPluginXml } from '../../plugin/plugin-xml.ts';
import { defaultPluginDefinition } from '../../plugin/definition.ts';
import { findUnrequestedFields, queryTouches, sqlReads } from './sql-references.ts';

const derived = deriveAccessRequest();

describe('access_request covers the data contract', () => {
  it.each(QUERIES.map((query) => [query.name, query] as const))(
    'resolves every alias.field in %s to a FROM/JOIN table',
    (_name, query) => {
      const { reads, unknownAliases } = sqlReads(query.sql);
      expect(unknownAliases).toEqual([]);
      expect(reads.size).toBeGreaterThan(query.columns.length - 1);
    },
  );

  it('requests every TABLE.FIELD a query column, arg or SQL uses', () => {
    expect(findUnrequestedFields(QUERIES, derived)).toEqual([]);
  });

  it.each(QUERIES.map((query) => [query.name, query] as const))(
    'declares for %s exactly what its SQL reads (nothing requested that is never used)',
    (_name, query) => {
      const declared = new Set(queryReads(query).map((field) => field.toUpperCase()));
      expect([...declared].sort()).toEqual([...queryTouches(query)].sort());
    },
  );

  it('would catch any single missing field: removing each one is reported', () => {
    const viewOnly = derived.filter((field) => field.access === 'ViewOnly');
    expect(viewOnly.length).toBeGreaterThan(40);
    for (const removed of viewOnly) {
      const without = derived.filter((field) => field !== removed);
      const report = findUnrequestedFields(QUERIES, without);
      expect(
        report.some((line) => line.endsWith(`: ${removed.table}.${removed.field}`)),
        `${removed.table}.${removed.field}`,
      ).toBe(true);
    }
  });

  it('asks FullAccess on every ATTENDANCE field a writeback sets', () => {
    for (const field of ATTENDANCE_WRITE_FIELDS) {
      expect(derived).toContainEqual({ table: 'ATTENDANCE', field, access: 'FullAccess' });
    }
    expect(derived.filter((field) => field.access === 'FullAccess')).toHaveLength(
      ATTENDANCE_WRITE_FIELDS.length,
    );
  });

  it('lists each table/field pair once, sorted by table then field', () => {
    const keys = derived.map((field) => `${field.table}.${field.field}`);
    expect(new Set(keys).size).toBe(keys.length);
    const sorted = [...derived].sort((a, b) =>
      a.table === b.table ? (a.field < b.field ? -1 : 1) : a.table < b.table ? -1 : 1,
    );
    expect(derived).toEqual(sorted);
  });

  it('puts the derived access_request into plugin.xml unchanged', () => {
    const xml = renderPluginXml(defaultPluginDefinition());
    for (const field of derived) {
      expect(xml).toContain(
        `<field table="${field.table}" field="${field.field}" access="${field.access}"/>`,
      );
    }
  });
});
