/**
 * PowerSchool SIS versions ("25.2.0.0", "24.11", "9.0.0") and the features each one gates.
 * Facts: docs/powerschool-reference.md section 6.
 */
import { PluginError } from './plugin-error.ts';

/** A parsed version: numeric parts, compared part by part (25.10 > 25.2). */
export interface PsVersion {
  readonly text: string;
  readonly parts: readonly number[];
}

const VERSION_PATTERN = /^\d{1,4}(\.\d{1,6}){0,3}$/;

/** Thrown for a version string that is not 1-4 dot-separated whole numbers. */
export class PsVersionError extends PluginError {
  override name = 'PsVersionError';
  constructor(message: string) {
    super('unknown_ps_version', message);
  }
}

/** Parses "25.2.0.0" into its parts; throws PsVersionError naming the valid form. */
export function parsePsVersion(text: string): PsVersion {
  const trimmed = text.trim();
  if (!VERSION_PATTERN.test(trimmed)) {
    throw new PsVersionError(
      `"${text}" is not a PowerSchool version: use 1 to 4 dot-separated whole numbers, e.g. 24.11.0.0 or 25.2.0.0.`,
    );
  }
  return { text: trimmed, parts: trimmed.split('.').map(Number) };
}

/** Compares two versions numerically; missing parts count as 0 (25.2 == 25.2.0.0). */
export function comparePsVersions(a: PsVersion | string, b: PsVersion | string): number {
  const left = typeof a === 'string' ? parsePsVersion(a) : a;
  const right = typeof b === 'string' ? parsePsVersion(b) : b;
  const length = Math.max(left.parts.length, right.parts.length);
  for (let index = 0; index < length; index += 1) {
    const difference = (left.parts[index] ?? 0) - (right.parts[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

/** The version-gated features and the first version that has each (reference section 6). */
export const FEATURE_SINCE = {
  /** /ws/attendance/daily_time and /ws/attendance/meeting_interval. */
  attendanceWrites: '9.0.0',
  /** access_request may hold cdn_request. */
  cdnRequest: '21.11.0.0',
  /** `<cdn name>` may hold 300 characters, not 50 (PowerSchool docs say "23.1"; inferred 23.1.0.0). */
  longCdnNames: '23.1.0.0',
  /** "Regenerate Client ID and Secret" on Data Provider Configuration. */
  regenerateCredentials: '21.11.2.0',
  /** PowerQuery arg attribute `casing`. */
  queryArgCasing: '22.11.0.0',
  /** `<oauth accessLevelV1Api=...>`; /ws/v1 refused when the level is NONE (the default). */
  v1AccessLevel: '25.2.0.0',
  /** /ws/attendance/batch_daily_time, up to 200 records. */
  batchDailyTime: '25.3.0',
} as const;

export type PsFeature = keyof typeof FEATURE_SINCE;

/** True when `version` has `feature` (it is at or after the version that introduced it). */
export function hasFeature(version: PsVersion | string, feature: PsFeature): boolean {
  return comparePsVersions(version, FEATURE_SINCE[feature]) >= 0;
}

/** The version profiles pswb builds bundles for and the simulator runs as (oldest first). */
export const SUPPORTED_PS_VERSIONS = ['23.10.0.0', '24.11.0.0', '25.2.0.0', '25.3.0'] as const;

/** The version used when none is given: the newest profile. */
export const DEFAULT_PS_VERSION = '25.3.0';
