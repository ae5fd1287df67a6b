/**
 * One interaction per PowerQuery the plugin declares (plugin/contract.ts QUERY_NAMES), with
 * arguments taken from what earlier interactions learned. A query added to the contract without
 * an entry here fails the type check (the table is keyed by QueryKey).
 */
import { QUERY_NAMES, type QueryKey } from '../plugin/contract.ts';
import type { FactKey, Facts } from './facts.ts';
import { defineInteraction, type Interaction } from './interaction.ts';
import { toWholeNumber } from './inspect-helpers.ts';
import { pluginQueryResultSchema } from './query-schemas.ts';

/** The path of a PowerQuery (reference section 3). */
export function queryPath(name: string): string {
  return `/ws/schema/query/${name}`;
}

interface QueryCall {
  needs: readonly FactKey[];
  /**
   * The JSON args. Inferred: primitive args are sent as strings and array args as numbers, the
   * forms public clients send (PSU, a public attendance client); PowerSchool's binding rules are
   * not public.
   */
  args: (facts: Partial<Facts>) => Record<string, unknown>;
}

const QUERY_CALLS: Record<QueryKey, QueryCall> = {
  studentsByDcid: {
    needs: ['studentDcid'],
    args: (facts) => ({ students_dcid: [facts.studentDcid] }),
  },
  studentPeriods: {
    needs: ['studentId', 'attDate'],
    args: (facts) => ({ students_id: [facts.studentId], att_date: facts.attDate }),
  },
  attendanceCodes: {
    needs: ['schoolNumber', 'yearid'],
    args: (facts) => ({ schoolid: facts.schoolNumber, yearid: String(facts.yearid) }),
  },
  schoolDay: {
    needs: ['schoolNumber', 'attDate'],
    args: (facts) => ({ schoolid: facts.schoolNumber, att_date: facts.attDate }),
  },
};

/** The kebab-case interaction name of a plugin query: `query-students-by-dcid`. */
export function queryInteractionName(key: QueryKey): string {
  return `query-${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/** The student a students_by_dcid answer must hold: the DCID sent, with the ID learned before. */
function studentsByDcidProblems(records: unknown[], facts: Partial<Facts>): string[] {
  const rows = records as Record<string, unknown>[];
  const match = rows.find((row) => toWholeNumber(row.dcid) === facts.studentDcid);
  if (!match) return [`record: no row with dcid ${facts.studentDcid}, the DCID that was sent`];
  if (facts.studentId !== undefined && toWholeNumber(match.id) !== facts.studentId) {
    return [`record: id ${String(match.id)} differs from the dcid map's id ${facts.studentId}`];
  }
  return [];
}

function queryInteraction(key: QueryKey): Interaction {
  const call = QUERY_CALLS[key];
  const name = QUERY_NAMES[key];
  return defineInteraction({
    name: queryInteractionName(key),
    title: `PowerQuery ${name.split('.').slice(-1)[0]}`,
    method: 'POST',
    auth: 'bearer',
    needs: call.needs,
    path: queryPath(name),
    body: (known) => ({ json: call.args(known) }),
    expectStatus: 200,
    schema: pluginQueryResultSchema(key),
    inspect: (body, facts) =>
      key === 'studentsByDcid' ? studentsByDcidProblems(body.record ?? [], facts.snapshot()) : [],
  });
}

/** One interaction per plugin query, in the order of QUERY_NAMES. */
export function pluginQueryInteractions(): Interaction[] {
  return (Object.keys(QUERY_NAMES) as QueryKey[]).map(queryInteraction);
}
