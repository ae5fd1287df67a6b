/** The repro part's public surface: the scenario catalogue, its runner, and the resilience proof. */
export { SCENARIOS, UnknownScenarioError, findScenario, scenarioNames } from './catalogue.ts';
export { runScenario, type ReproReport } from './run-scenario.ts';
export { renderReport, renderScenarioList } from './render-report.ts';
export type { AttendanceView, ExpectedFailure, Observation, Scenario } from './scenario.ts';
export { REPRO_CLOCK, createReproContext, type ReproContext } from './context.ts';
export {
  DEMO_REASONS,
  DEMO_REASONS_WITH_EXCUSED,
  DemoConnectionError,
  connectDemoDistrict,
  setUpDemoSchools,
  simulatorClock,
  type DemoReasonCodes,
} from './demo-connection.ts';
export { findFailure, type FailureSubject } from './verdict.ts';
export { checkIn, districtInstant, type CheckInSpec, type DemoStudent } from './check-ins.ts';
export {
  SimAdminError,
  SimulatorAdmin,
  type DataProviderPage,
  type SimFaultRule,
  type SimPluginView,
} from './sim-admin.ts';
export {
  runResilienceProof,
  type ResilienceProofOptions,
  type ResilienceProofResult,
} from './resilience/proof.ts';
