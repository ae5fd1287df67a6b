/**
 * Deterministic details of the seeds' people beyond their names: course titles, teacher names,
 * student usernames, state numbers, genders and birth dates. All invented; the forms follow
 * PSU's data dictionary (Student_Web_ID up to 20 characters, gender M or F, DOB a date).
 */

/** Course titles by course number (the templates' courses). */
export const COURSE_NAMES: Readonly<Record<string, string>> = {
  HR: 'Homeroom',
  ELA: 'English Language Arts',
  MATH: 'Mathematics',
  SCI: 'Science',
  SOC: 'Social Studies',
  PE: 'Physical Education',
  ART: 'Art',
  MUS: 'Music',
  ENG: 'English 9',
  ALG: 'Algebra I',
  BIO: 'Biology',
  HIST: 'United States History',
  SPAN: 'Spanish I',
  HLTH: 'Health',
};

const TEACHER_FIRST = [
  'Grace',
  'Marcus',
  'Elena',
  'David',
  'Nadia',
  'Owen',
  'Rosa',
  'Tobias',
  'Aisha',
];
const TEACHER_LAST = [
  'Alvarez',
  'Brooks',
  'Chen',
  'Douglas',
  'Ellis',
  'Fischer',
  'Gupta',
  'Hayes',
  'Ibarra',
  'Jensen',
  'Khan',
];

/** The n-th teacher's name (n from 0). */
export function teacherName(n: number): { first_name: string; last_name: string } {
  return {
    first_name: TEACHER_FIRST[n % TEACHER_FIRST.length]!,
    last_name: TEACHER_LAST[(n * 7 + Math.floor(n / TEACHER_LAST.length)) % TEACHER_LAST.length]!,
  };
}

const FEMALE = new Set([
  'Ava',
  'Sofia',
  'Mia',
  'Chloe',
  'Olivia',
  'Harper',
  'Amelia',
  'Isabella',
  'Charlotte',
  'Evelyn',
  'Emma',
  'Sophia',
  'Abigail',
  'Emily',
  'Ella',
  'Aaliyah',
  'Camila',
  'Priya',
  'Fatima',
]);

/** M or F by first name for the seeds' names; '' for a name the list does not know. */
export function genderOf(firstName: string, known = true): string {
  if (FEMALE.has(firstName)) return 'F';
  return known ? 'M' : '';
}

/** A username as districts often make them: first initial, last name, number's last 3 digits. */
export function usernameOf(first: string, last: string, studentNumber: number): string {
  const base = `${first[0] ?? ''}${last}`.toLowerCase().replace(/[^a-z]/g, '');
  return `${base.slice(0, 16)}${String(studentNumber % 1000).padStart(3, '0')}`;
}

/**
 * A birth date that fits the grade: a child in grade G in the school year starting in 2026 was
 * born in 2026 - 6 - G, on a day spread by the student id.
 */
export function birthDateOf(gradeLevel: number, id: number): string {
  const year = 2026 - 6 - gradeLevel;
  const month = String((id % 12) + 1).padStart(2, '0');
  const day = String((id % 28) + 1).padStart(2, '0');
  return `${year}-${month}-${day}`;
}
