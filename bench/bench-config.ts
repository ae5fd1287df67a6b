/**
 * Sizes and durations of a benchmark run: the full run (`npm run bench`, about 4-6 minutes on 2
 * cores) and the quick smoke run (`--quick`, under half a minute, sizes cut down so only the
 * harness is proven, not the goals).
 */

/** Every size and duration the figures use. */
export interface BenchConfig {
  quick: boolean;
  /** Figure 1: the two district sizes compared. */
  smallDistrict: number;
  largeDistrict: number;
  /** Figure 1: measured run and warm-up per scenario, rounds of every scenario (median kept). */
  loadDurationMs: number;
  loadWarmupMs: number;
  loadRounds: number;
  loadConnections: number;
  /** Figure 1: distinct meeting writes and DCIDs cycled through. */
  loadPoolSize: number;
  /** Figure 2: the district whose seed time and memory are measured. */
  scaleStudents: number;
  /** Figure 3: events per run, rounds, and the district (3 schools at 2,500 students each). */
  connectorEvents: number;
  connectorRounds: number;
  connectorStudents: number;
  /** Figure 4: rows in the writeback log, rows per insert transaction, timed query runs. */
  logRows: number;
  logChunkRows: number;
  /** Figure 4: events inserted one at a time, as the connector receives them, at each probe. */
  logProbeEvents: number;
  /** Figure 4: probes of the small and the full log, taken in turn (median kept). */
  logProbeRounds: number;
  logQueryRuns: number;
  /** Figure 5: bundle builds timed. */
  bundleBuilds: number;
  /** Resilience proof: events, share of transient faults and of permanent errors. */
  resilienceEvents: number;
}

const FULL: BenchConfig = {
  quick: false,
  smallDistrict: 1_000,
  largeDistrict: 100_000,
  loadDurationMs: 5_000,
  loadWarmupMs: 1_000,
  loadRounds: 3,
  loadConnections: 16,
  loadPoolSize: 5_000,
  scaleStudents: 100_000,
  connectorEvents: 1_000,
  connectorRounds: 5,
  connectorStudents: 7_500,
  logRows: 1_000_000,
  logChunkRows: 10_000,
  logProbeEvents: 1_000,
  logProbeRounds: 21,
  logQueryRuns: 30,
  bundleBuilds: 10,
  resilienceEvents: 2_000,
};

const QUICK: BenchConfig = {
  quick: true,
  smallDistrict: 1_000,
  largeDistrict: 5_000,
  loadDurationMs: 300,
  loadWarmupMs: 100,
  loadRounds: 1,
  loadConnections: 8,
  loadPoolSize: 500,
  scaleStudents: 5_000,
  connectorEvents: 60,
  connectorRounds: 1,
  connectorStudents: 7_500,
  logRows: 20_000,
  logChunkRows: 2_000,
  logProbeEvents: 200,
  logProbeRounds: 3,
  logQueryRuns: 5,
  bundleBuilds: 2,
  resilienceEvents: 100,
};

/** The configuration of a full or a quick run. */
export function benchConfig(quick: boolean): BenchConfig {
  return quick ? QUICK : FULL;
}
