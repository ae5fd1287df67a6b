/** The simulator's public surface: build or start a simulated PowerSchool, and its district. */
export { createSimulatorApp, type SimulatorApp, type SimulatorAppOptions } from './app.ts';
export {
  formatSummary,
  installBundledPlugin,
  startSimulator,
  type RunningPlugin,
  type RunningSimulator,
  type StartSimulatorOptions,
} from './server.ts';
export {
  District,
  type DistrictSummary,
  type EnrollmentStint,
  type SavedAttendance,
} from './district/district.ts';
export { SeedValidationError, validateSeed, type SeedProblem } from './district/seed-validation.ts';
export {
  ATT_MODES,
  TABLE_NAMES,
  isAttMode,
  tableColumns,
  type AttMode,
  type DistrictData,
  type DistrictInfo,
  type RowOf,
  type TableName,
} from './district/schema.ts';
export { scheduledMeetings, type ScheduledMeeting } from './district/student-schedule.ts';
export {
  BUILT_IN_SEEDS,
  SeedFileError,
  loadSeed,
  openSeed,
  type LoadedSeed,
  type LoadSeedOptions,
  type SeedSource,
} from './seeds/load-seed.ts';
export { DEMO_FACTS, type DemoFacts } from './seeds/demo-facts.ts';
export { buildDemoDistrict } from './seeds/demo.ts';
export {
  buildLargeDistrict,
  LARGE_DEFAULT_STUDENTS,
  type LargeDistrictOptions,
} from './seeds/large.ts';
export {
  PrivateJsonFile,
  StateFileError,
  StateStore,
  checkState,
  type SimulatorState,
} from './persistence.ts';
export { SimClock } from './clock.ts';
