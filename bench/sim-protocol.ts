/**
 * The messages between the benchmark harness and its simulator child (sim-child.ts): the ready
 * report with the seed figures and the workload, CPU usage on request, and stop.
 */
import type { SchoolMode } from './workloads.ts';

/** The bare Hono route served beside the simulator: the ceiling of a route on that server. */
export const BARE_PATH = '/__bench/bare';

/** What the child prepares for the parent to send. */
export const WORKLOAD_KINDS = ['none', 'throughput', 'connector', 'compare'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** Requests and events derived from the child's district (see workloads.ts). */
export interface Workload {
  /** JSON bodies of valid meeting_interval writes. */
  meetingWrites?: string[];
  /** JSON bodies of valid daily_time writes. */
  dailyWrites?: string[];
  /** Existing student DCIDs spread over the district. */
  dcids?: number[];
  /** Writeback events the connector can send. */
  events?: Record<string, unknown>[];
  /** The schools those events go to and the Attendance Mode each records in. */
  schools?: SchoolMode[];
}

/** Seed time and memory, measured in the child. */
export interface SeedFigures {
  students: number;
  /** Generating the rows (loadSeed). */
  buildMs: number;
  /** Indexing them (createSimulatorApp). */
  indexMs: number;
  /** Building and installing the plugin bundle. */
  pluginMs: number;
  /** Resident set after a full GC, once seeded and ready. */
  rssBytes: number;
  /** Peak resident set of the child so far. */
  peakRssBytes: number;
  heapUsedBytes: number;
}

/** The child is listening. The secret travels over IPC only and is never printed. */
export interface ChildReady {
  type: 'ready';
  url: string;
  clientId: string;
  clientSecret: string;
  seed: SeedFigures;
  workload: Workload;
}

/** The child's CPU time so far (process.cpuUsage, microseconds). */
export interface ChildCpu {
  type: 'cpu';
  id: number;
  usage: { user: number; system: number };
}

/** Parent -> child. */
export type ParentMessage = { type: 'stop' } | { type: 'cpu'; id: number };

/** Child -> parent. */
export type ChildMessage = ChildReady | ChildCpu;
