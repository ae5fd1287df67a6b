/**
 * The source stamp: a district's att_comment template, checked, filled in, and written to
 * PowerSchool; without one, the comment is exactly what it was before templates existed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DISTRICT_ADMIN,
  checkCommentTemplate,
  renderComment,
  setCommentTemplate,
  type Connector,
} from '../../connector/index.ts';
import type { RunningSimulator } from '../../simulator/server.ts';
import {
  DEMO_FACTS,
  connectDemo,
  demoEvent,
  newYorkTime,
  startDemoSimulator,
} from './support/simulator.ts';

const facts = {
  type: 'late_checkin' as const,
  date: '2026-10-14',
  time: '08:40',
  reason: 'T',
  school: 101,
};

describe('renderComment and checkCommentTemplate', () => {
  it('keeps the default comment without a template', () => {
    expect(renderComment(undefined, facts)).toBe('Late Check-in at 08:40');
    expect(renderComment(undefined, { ...facts, comment: 'Dentist' })).toBe('Dentist');
  });

  it('fills in every placeholder and tidies the spaces an empty one leaves', () => {
    expect(
      renderComment('VM {type} {date} {time} ({reason}, school {school}) {comment}', facts),
    ).toBe('VM Late Check-in 2026-10-14 08:40 (T, school 101)');
    expect(renderComment('{comment} by front office', { ...facts, comment: 'Dentist' })).toBe(
      'Dentist by front office',
    );
  });

  it('refuses an unknown placeholder naming the valid ones, an empty or an overlong template', () => {
    expect(() => checkCommentTemplate('VM {kind} {time}')).toThrow(
      /\{kind\}.*Valid: \{type\}, \{date\}, \{time\}, \{reason\}, \{school\}, \{comment\}/,
    );
    expect(() => checkCommentTemplate('   ')).toThrow(/empty/);
    expect(() => checkCommentTemplate('x'.repeat(201))).toThrow(/up to 200/);
    expect(checkCommentTemplate('  VM {type}  ')).toBe('VM {type}');
  });
});

describe('the template in a writeback', () => {
  let sim: RunningSimulator;
  let connector: Connector;
  beforeAll(async () => {
    sim = await startDemoSimulator();
    connector = await connectDemo(sim);
  });
  afterAll(async () => {
    connector?.close();
    await sim?.close();
  });

  it('writes the filled-in template as att_comment; clearing it restores the default', async () => {
    const { daily, time } = DEMO_FACTS.students;
    const day = DEMO_FACTS.dates.inSession;
    await setCommentTemplate(
      connector.settings,
      DISTRICT_ADMIN,
      'VM {type} {time} by front office',
    );
    const [stamped] = await connector.send([
      demoEvent('stamp-1', daily, newYorkTime(day, 8 * 3600 + 40 * 60)),
    ]);
    expect(stamped?.status).toBe('successful');
    expect(sim.district.attendanceOn(daily.id, day)[0]?.att_comment).toBe(
      'VM Late Check-in 08:40 by front office',
    );
    await setCommentTemplate(connector.settings, DISTRICT_ADMIN, null);
    await connector.send([demoEvent('stamp-2', time, newYorkTime(day, 9 * 3600))]);
    expect(sim.district.attendanceOn(time.id, day)[0]?.att_comment).toBe('Late Check-in at 09:00');
  });

  it('is for district admins only', async () => {
    await expect(
      setCommentTemplate(connector.settings, { role: 'building_admin', schools: [101] }, 'x'),
    ).rejects.toMatchObject({ code: 'permission_denied' });
  });
});
