/**
 * /ws/v1 as the public clients call it: their exact URL forms (PSU, HID, PSM, TL, GH), checked
 * against the demo district's data and the recorded answer shapes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FACTS as F } from '../../simulator/seeds/demo-facts.ts';
import { demoSimulator, type DemoSimulator } from './district-harness.ts';

let sim: DemoSimulator;
beforeAll(async () => {
  sim = await demoSimulator();
});

const count = async (path: string): Promise<number> => {
  const { status, body } = await sim.json('GET', path);
  expect(status, path).toBe(200);
  return body.resource.count;
};
const list = <T = Record<string, unknown>>(value: T | T[]): T[] =>
  Array.isArray(value) ? value : [value];
const students = () => sim.district.table('students').all();

describe('searching students as the clients do', () => {
  it('counts active students with enroll_status_code==0 (PSU) and enroll_status==A, any case (PSU notes)', async () => {
    const active = students().filter((s) => s.enroll_status === 0).length;
    expect(active).toBeGreaterThan(5);
    expect(
      await count('/ws/v1/district/student/count?q=school_enrollment.enroll_status_code==0'),
    ).toBe(active);
    expect(await count('/ws/v1/district/student/count?q=school_enrollment.enroll_status==A')).toBe(
      active,
    );
    expect(await count('/ws/v1/district/student/count?q=school_enrollment.enroll_status==a')).toBe(
      active,
    );
    const inactive = await count(
      '/ws/v1/district/student/count?q=school_enrollment.enroll_status!=A',
    );
    expect(inactive).toBe(students().length - active);
  });

  it("pages HID's default filter, name.last_name==*;school_enrollment.enroll_status_code==(-1,0)", async () => {
    const q = 'name.last_name==*;school_enrollment.enroll_status_code==(-1,0)';
    const total = await count(`/ws/v1/district/student/count?q=${q}`);
    expect(total).toBe(
      students().filter((s) => s.enroll_status === 0 || s.enroll_status === -1).length,
    );
    const seen: number[] = [];
    for (let page = 1; seen.length < total; page += 1) {
      const { body } = await sim.json(
        'GET',
        `/ws/v1/district/student?expansions=demographics,school_enrollment,contact_info&page=${page}&pagesize=5&q=${q}`,
      );
      const batch = list(body.students.student) as {
        id: number;
        demographics: object;
        contact_info: string;
      }[];
      expect(batch[0]!.demographics).toEqual(
        expect.objectContaining({ gender: expect.any(String) }),
      );
      expect(batch[0]!.contact_info).toBe('');
      seen.push(...batch.map((s) => s.id));
    }
    expect(new Set(seen).size).toBe(total);
  });

  it('treats an empty q (HID with no filter) as no filter', async () => {
    expect(await count('/ws/v1/district/student/count?q=')).toBe(students().length);
  });

  it("takes PSM's enroll_status==(A,P) with name.First_name in mixed case, and ignores unknown extensions", async () => {
    const { status, body } = await sim.json(
      'GET',
      '/ws/v1/district/student?q=school_enrollment.enroll_status==(A,P);name.First_name==Ava&expansions=demographics&extensions=studentcorefields',
    );
    expect(status).toBe(200);
    expect(body.students.student).toMatchObject({
      id: F.students.daily.dcid,
      name: { first_name: 'Ava' },
    });
    expect(body.students['@extensions']).toBe('');
  });

  it('finds by student_username and wildcard (PSU build_query) and by state_province_id', async () => {
    const ava = sim.district.studentByDcid(F.students.daily.dcid)!;
    const { body } = await sim.json(
      'GET',
      `/ws/v1/district/student?page=1&pagesize=2&q=school_enrollment.enroll_status_code==0;student_username==${ava.student_web_id.slice(0, 3)}*`,
    );
    expect(list(body.students.student).map((s: { id: number }) => s.id)).toContain(ava.dcid);
    expect(
      await count(`/ws/v1/district/student/count?q=state_province_id==${ava.state_studentnumber}`),
    ).toBe(1);
    expect(
      await count(`/ws/v1/district/student/count?q=school_enrollment.entry_date=gt=2026-08-17`),
    ).toBe(students().filter((s) => s.entrydate > '2026-08-17').length);
  });

  it('answers the search form GET /ws/v1/student?q= (TL) like the district list', async () => {
    const form = await sim.json('GET', '/ws/v1/student?q=name.last_name==Ram*');
    const district = await sim.json('GET', '/ws/v1/district/student?q=name.last_name==Ram*');
    expect(form.body).toEqual(district.body);
    expect(form.body.students.student).toMatchObject({ id: F.students.meeting.dcid });
  });

  it("searches a school's students (GH README: /ws/v1/school/{id}/student?q=name.last_name==Ada*)", async () => {
    const path = `/ws/v1/school/${F.schools.meeting.dcid}/student`;
    const all = list((await sim.json('GET', path)).body.students.student) as { id: number }[];
    expect(all.every((s) => sim.district.studentByDcid(s.id)!.schoolid === 103)).toBe(true);
    const found = await sim.json('GET', `${path}?q=name.last_name==Ram*`);
    expect(found.body.students.student).toMatchObject({ id: F.students.meeting.dcid });
    const none = await sim.json('GET', `${path}?q=name.last_name==Zz*`);
    expect(none.body.students.student).toEqual([]);
  });

  it('refuses a field PowerSchool does not search and a letter that is no status, with 400', async () => {
    const field = await sim.json(
      'GET',
      '/ws/v1/district/student?q=school_enrollment.grade_level==3',
    );
    expect(field.status).toBe(400);
    expect(field.body.message).toMatch(
      /not a searchable student field; use one of id, local_id, student_username/,
    );
    expect(
      (await sim.json('GET', '/ws/v1/district/student?q=school_enrollment.enroll_status==Q'))
        .status,
    ).toBe(400);
  });
});

describe('one student', () => {
  it('answers every expansion, advertising them in @expansions (PSU recorded form)', async () => {
    const { status, body } = await sim.json(
      'GET',
      `/ws/v1/student/${F.students.daily.dcid}?q=local_id==0&expansions=demographics,addresses,alerts,phones,school_enrollment,ethnicity_race,contact,contact_info,initial_enrollment,schedule_setup,fees,lunch,counselors,global_id`,
    );
    expect(status).toBe(200);
    expect(body.student['@expansions']).toBe(
      'demographics, addresses, alerts, phones, school_enrollment, ethnicity_race, contact, contact_info, initial_enrollment, schedule_setup, fees, lunch, counselors, global_id',
    );
    expect(body.student).toMatchObject({
      id: F.students.daily.dcid,
      local_id: F.students.daily.studentNumber,
      addresses: '',
      fees: '',
      school_enrollment: {
        enroll_status: 'A',
        enroll_status_description: 'Active',
        enroll_status_code: 0,
        grade_level: 3,
        school_number: 101,
        school_id: F.schools.daily.dcid,
      },
      demographics: { gender: 'F', projected_graduation_year: 2036 },
    });
  });

  it('leaves out what was not asked for and empty names; refuses an unknown expansion', async () => {
    const { body } = await sim.json('GET', `/ws/v1/student/${F.students.daily.dcid}`);
    expect(Object.keys(body.student)).toEqual([
      '@expansions',
      '@extensions',
      'id',
      'local_id',
      'student_username',
      'state_province_id',
      'name',
    ]);
    expect(body.student.name).toEqual({ first_name: 'Ava', last_name: 'Thompson' });
    const bad = await sim.json('GET', `/ws/v1/student/${F.students.daily.dcid}?expansions=gpa`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/^Invalid expansion: gpa is not an expansion of student/);
  });

  it('answers 404 for a DCID no student has', async () => {
    const { status, body } = await sim.json('GET', `/ws/v1/student/${F.unknownDcid}`);
    expect(status).toBe(404);
    expect(body.message).toMatch(/^Not Found: no student with id 999999/);
  });
});

describe("the district's schools and a school's resources", () => {
  it('applies q and paging to /ws/v1/district/school and its count (HID pages it)', async () => {
    const maple = await sim.json('GET', '/ws/v1/district/school?q=name==Maple*');
    expect(maple.body.schools.school).toMatchObject({ id: F.schools.daily.dcid });
    expect(await count('/ws/v1/district/school/count?q=high_grade=ge=9')).toBe(1);
    const second = await sim.json('GET', '/ws/v1/district/school?page=2&pagesize=2');
    expect(second.body.schools.school).toMatchObject({ school_number: '103' });
  });

  it('reads one school', async () => {
    const { body } = await sim.json('GET', `/ws/v1/school/${F.schools.time.dcid}`);
    expect(body.school).toMatchObject({ id: F.schools.time.dcid, school_number: '102' });
  });

  it('lists sections with their course, staff and term ids, and finds them with q', async () => {
    const path = `/ws/v1/school/${F.schools.meeting.dcid}/section`;
    const { body } = await sim.json('GET', path);
    const sections = list(body.sections.section) as Record<string, number | string>[];
    expect(sections.length).toBe(await count(`${path}/count`));
    const ids = sections.map((s) => s.id as number);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(sections[0]).toEqual(
      expect.objectContaining({
        school_id: F.schools.meeting.dcid,
        course_id: expect.any(Number),
        staff_id: expect.any(Number),
        term_id: expect.any(Number),
      }),
    );
    const course = await sim.json(
      'GET',
      `/ws/v1/school/${F.schools.meeting.dcid}/course?q=course_number==ALG`,
    );
    expect(course.body.courses.course).toEqual({
      id: expect.any(Number),
      course_number: 'ALG',
      course_name: 'Algebra I',
    });
    const algebra = list(
      (await sim.json('GET', `${path}?q=course_id==${course.body.courses.course.id}`)).body.sections
        .section,
    );
    expect(algebra.length).toBeGreaterThan(0);
  });

  it('lists courses by course number and active staff by id', async () => {
    const courses = list(
      (await sim.json('GET', `/ws/v1/school/${F.schools.meeting.dcid}/course`)).body.courses.course,
    ) as { course_number: string }[];
    const numbers = courses.map((c) => c.course_number);
    expect(numbers).toEqual([...numbers].sort());
    const staff = await sim.json('GET', `/ws/v1/school/${F.schools.meeting.dcid}/staff?pagesize=3`);
    const members = list(staff.body.staffs.staff) as { id: number; school_affiliations: unknown }[];
    expect(members).toHaveLength(3);
    expect(members[0]!.school_affiliations).toEqual([
      { school_affiliation: { school_id: F.schools.meeting.dcid, type: 1, status: 1 } },
    ]);
    expect(
      await count(`/ws/v1/school/${F.schools.meeting.dcid}/staff/count?q=name.last_name==*`),
    ).toBeGreaterThan(3);
  });

  it('finds terms with q', async () => {
    const { body } = await sim.json(
      'GET',
      `/ws/v1/school/${F.schools.daily.dcid}/term?q=portion==1;start_year==2026`,
    );
    expect(body.terms.term).toMatchObject({ name: '2026-27', start_date: '2026-08-17' });
  });

  it('answers 404 for a school id no school has', async () => {
    expect((await sim.json('GET', '/ws/v1/school/101/course')).status).toBe(404);
  });
});
