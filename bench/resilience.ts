/**
 * Figure R: the resilience proof at full size (repro/resilience): 2,000 writebacks through the
 * real connector against the simulator while 20% of requests meet transient faults and 10% of
 * the events are built to fail by data. Met when every event ends as planned and PowerSchool
 * holds exactly one row per successful event.
 */
import { runResilienceProof, type ResilienceProofResult } from '../repro/index.ts';
import type { BenchConfig } from './bench-config.ts';
import type { FigureResult } from './figure.ts';
import { verdictOf } from './figure.ts';
import { formatMs, formatNumber, formatPercent } from './stats.ts';

const TRANSIENT_RATE = 0.2;
const PERMANENT_RATE = 0.1;
const SEED = 2026;

function outcomeText(result: ResilienceProofResult): string {
  return [
    `${formatNumber(result.writtenOnce)}/${formatNumber(result.expected.successful)} successes written once`,
    `${formatNumber(result.failedAsPlanned)}/${formatNumber(result.expected.failed)} failed as planned`,
    `${formatNumber(result.unfinished)} unfinished`,
  ].join(', ');
}

/** Runs the resilience proof at the configured size. */
export async function runResilience(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<FigureResult> {
  log(`figure R: resilience proof, ${config.resilienceEvents} events`);
  const result = await runResilienceProof({
    events: config.resilienceEvents,
    transientRate: TRANSIENT_RATE,
    permanentRate: PERMANENT_RATE,
    seed: SEED,
    onProgress: (done, total) => log(`figure R: ${done}/${total} events`),
  });
  const faults = Object.entries(result.faults).filter(([kind]) => kind !== 'total');
  return {
    rows: [
      {
        measure: `${formatNumber(result.events)} events, ${formatPercent(TRANSIENT_RATE)} transient faults, ${formatPercent(PERMANENT_RATE)} permanent errors`,
        measured: outcomeText(result),
        goal: 'every event ends as planned; one row per success',
        verdict: verdictOf(result.ok),
      },
    ],
    details: [
      {
        caption: 'The run',
        header: ['measure', 'value'],
        rows: [
          [
            'successful / failed / not attempted',
            `${result.successful} / ${result.failed} / ${result.notAttempted}`,
          ],
          ['attendance rows in the simulator', formatNumber(result.attendanceRows)],
          ['HTTP attempts (retries and tokens included)', formatNumber(result.requests)],
          [
            'faults injected',
            `${formatNumber(result.faults.total)} (${faults.map(([kind, count]) => `${kind} ${count}`).join(', ')})`,
          ],
          [
            'retry waits asked for (recorded, not slept)',
            `${formatNumber(result.retryWaits.count)}, ${formatMs(result.retryWaits.totalMs)} in all`,
          ],
          ['duration', formatMs(result.durationMs)],
          ['PowerSchool version, seed', `${result.psVersion}, ${result.seed}`],
          [
            'problems found',
            `${result.problemCount}${result.problems.length > 0 ? `: ${result.problems.join('; ')}` : ''}`,
          ],
        ],
      },
    ],
    notes: [
      'Runs `runResilienceProof` from repro/ (the test suite runs it small): its own in-process simulator, fault rules drawn from the seed, the connector with its real retry policy.',
    ],
  };
}
