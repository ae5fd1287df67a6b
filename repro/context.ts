/**
 * One scenario's world: an in-process simulator on port 0 (the demo district, memory only, its
 * clock pinned), the connector's data directory in a fresh temp folder, and the moves a support
 * engineer makes (save the connection, set up schools, send, replay, read PowerSchool's rows).
 * close() stops the simulator and removes the folder.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DISTRICT_ADMIN,
  openWorkspace,
  saveConnectionSettings,
  type Clock,
  type ConnectionInput,
  type Connector,
  type SaveConnectionResult,
  type SettingsStore,
  type Workspace,
  type WritebackRecord,
} from '../connector/index.ts';
import { startSimulator, type RunningSimulator } from '../simulator/index.ts';
import { DEMO_REASONS_WITH_EXCUSED, setUpDemoSchools, simulatorClock } from './demo-connection.ts';
import type { AttendanceView } from './attendance-view.ts';
import { SimulatorAdmin, type DataProviderPage } from './sim-admin.ts';

/**
 * The simulator's clock in every scenario: Thursday 2026-10-15, 4 pm in the district, after
 * the check-ins the scenarios send (2026-10-05 to 2026-10-15), in school year 2026-27.
 */
export const REPRO_CLOCK = new Date('2026-10-15T20:00:00Z');

/** Retries stay short: scenarios inject no faults, and a refused call should fail at once. */
const REPRO_RETRY = { retries: 2, baseDelayMs: 10, maxDelayMs: 50 };

/** How a scenario's simulator starts. */
export interface ReproContextOptions {
  psVersion?: string;
  /** Install and enable our plugin bundle for the version (default true). */
  installPlugin?: boolean;
  /** Makes credentials and tokens repeat run to run (default 7). */
  randomSeed?: number;
}

/** What scenarios act through. */
export interface ReproContext {
  readonly sim: RunningSimulator;
  readonly admin: SimulatorAdmin;
  /** The connector's data directory (settings and log), removed by close(). */
  readonly dataDir: string;
  readonly clock: Clock;
  /** The plugin the connector uses; setup sets it when it installs a plugin itself. */
  pluginId: number | undefined;
  settings(): SettingsStore;
  /** The connector for the saved settings, as `pswb` opens it. */
  connector(): Connector;
  /** Closes the connector and opens the data directory again (after the settings changed). */
  reopen(): Promise<void>;
  /** The plugin's Data Provider Configuration page. */
  dataProvider(): Promise<DataProviderPage>;
  /** Save and Apply to All Schools with the Data Provider credentials, changed by `input`. */
  saveConnection(
    input?: Partial<ConnectionInput>,
    options?: { check?: boolean },
  ): Promise<SaveConnectionResult>;
  /** School Building Setup as PowerSchool has it (101 Daily, 102 Time, 103 Meeting) + codes. */
  setUpSchools(): Promise<void>;
  /** Sends events and returns their log records. */
  send(events: readonly Record<string, unknown>[]): Promise<WritebackRecord[]>;
  /**
   * Replays these events (pswb writeback replay; --status not_attempted for events not written)
   * and returns their records.
   */
  replay(ids: readonly string[], status?: 'failed' | 'not_attempted'): Promise<WritebackRecord[]>;
  /** PowerSchool's attendance rows of a student on a date. */
  attendance(studentId: number, date: string): AttendanceView[];
  close(): Promise<void>;
}

/** Starts a scenario's simulator and opens a fresh data directory. */
export async function createReproContext(options: ReproContextOptions = {}): Promise<ReproContext> {
  const sim = await startSimulator({
    port: 0,
    seed: 'demo',
    dataPath: null,
    clock: REPRO_CLOCK,
    randomSeed: options.randomSeed ?? 7,
    plugin: options.installPlugin ?? true,
    log: () => {},
    ...(options.psVersion ? { psVersion: options.psVersion } : {}),
  });
  const dataDir = await mkdtemp(join(tmpdir(), 'pswb-repro-'));
  try {
    return await HarnessContext.open(sim, dataDir);
  } catch (error) {
    await sim.close();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

class HarnessContext implements ReproContext {
  readonly sim: RunningSimulator;
  readonly admin: SimulatorAdmin;
  readonly dataDir: string;
  readonly clock: Clock;
  pluginId: number | undefined;
  #workspace: Workspace;

  private constructor(sim: RunningSimulator, dataDir: string, workspace: Workspace, clock: Clock) {
    this.sim = sim;
    this.admin = new SimulatorAdmin(sim.url);
    this.dataDir = dataDir;
    this.clock = clock;
    this.pluginId = sim.plugin?.id;
    this.#workspace = workspace;
  }

  static async open(sim: RunningSimulator, dataDir: string): Promise<HarnessContext> {
    const clock = simulatorClock(sim);
    const workspace = await openHarnessWorkspace(dataDir, clock);
    return new HarnessContext(sim, dataDir, workspace, clock);
  }

  settings(): SettingsStore {
    return this.#workspace.settings;
  }

  connector(): Connector {
    return this.#workspace.connector();
  }

  async reopen(): Promise<void> {
    this.#workspace.close();
    this.#workspace = await openHarnessWorkspace(this.dataDir, this.clock);
  }

  async dataProvider(): Promise<DataProviderPage> {
    if (this.pluginId === undefined) {
      throw new Error('No plugin is installed yet: the scenario must install one in its setup.');
    }
    return this.admin.dataProvider(this.pluginId);
  }

  async saveConnection(
    input: Partial<ConnectionInput> = {},
    options: { check?: boolean } = {},
  ): Promise<SaveConnectionResult> {
    const page = await this.dataProvider();
    const result = await saveConnectionSettings({
      settings: this.settings(),
      actor: DISTRICT_ADMIN,
      input: {
        url: this.sim.url,
        clientId: page.clientId,
        clientSecret: page.clientSecret,
        ...input,
      },
      clock: this.clock,
      check: options.check ?? true,
    });
    // The next connector reads the saved credentials, as the next pswb command would.
    if (result.saved) await this.reopen();
    return result;
  }

  setUpSchools(): Promise<void> {
    return setUpDemoSchools(this.connector(), DEMO_REASONS_WITH_EXCUSED);
  }

  send(events: readonly Record<string, unknown>[]): Promise<WritebackRecord[]> {
    return this.connector().send(events);
  }

  async replay(
    ids: readonly string[],
    status: 'failed' | 'not_attempted' = 'failed',
  ): Promise<WritebackRecord[]> {
    const connector = this.connector();
    await connector.replay(DISTRICT_ADMIN, { ids: [...ids], status });
    return ids.map((id) => {
      const record = connector.record(DISTRICT_ADMIN, id);
      if (!record) throw new Error(`Event ${id} is not in the writeback log.`);
      return record;
    });
  }

  attendance(studentId: number, date: string): AttendanceView[] {
    const district = this.sim.district;
    const student = district.studentById(studentId);
    const name = student ? `${student.first_name} ${student.last_name}` : `student ${studentId}`;
    return district.attendanceOn(studentId, date).map((row) => ({
      studentId,
      studentName: name,
      date: row.att_date,
      mode: row.att_mode_code,
      periodId: row.periodid,
      codeId: row.attendance_codeid,
      comment: row.att_comment,
    }));
  }

  async close(): Promise<void> {
    try {
      this.#workspace.close();
    } finally {
      await this.sim.close();
      await rm(this.dataDir, { recursive: true, force: true });
    }
  }
}

function openHarnessWorkspace(dataDir: string, clock: Clock): Promise<Workspace> {
  return openWorkspace({ dataDir, clock, retry: REPRO_RETRY, timeoutMs: 5000 });
}
