import { describe, expect, it } from 'vitest';
import {
  comparePsVersions,
  hasFeature,
  parsePsVersion,
  PsVersionError,
} from '../../plugin/ps-version.ts';

describe('PowerSchool versions', () => {
  it.each([
    { a: '25.10', b: '25.2', sign: 1 },
    { a: '25.2', b: '25.2.0.0', sign: 0 },
    { a: '24.11.0.0', b: '25.2.0.0', sign: -1 },
    { a: '9.0.0', b: '21.11.2.0', sign: -1 },
    { a: '25.3.0', b: '25.2.9.9', sign: 1 },
  ])('compares $a with $b numerically', ({ a, b, sign }) => {
    expect(comparePsVersions(a, b)).toBe(sign);
  });

  it.each(['', '25.x', 'v25.2', '1.2.3.4.5', '25..2'])(
    'rejects "%s" naming the valid form',
    (text) => {
      expect(() => parsePsVersion(text)).toThrow(PsVersionError);
      expect(() => parsePsVersion(text)).toThrow(/dot-separated whole numbers/);
    },
  );

  it.each([
    { version: '25.1.9.9', feature: 'v1AccessLevel', has: false },
    { version: '25.2.0.0', feature: 'v1AccessLevel', has: true },
    { version: '25.2.0.0', feature: 'batchDailyTime', has: false },
    { version: '25.3.0', feature: 'batchDailyTime', has: true },
    { version: '21.11.1.0', feature: 'regenerateCredentials', has: false },
    { version: '21.11.2.0', feature: 'regenerateCredentials', has: true },
  ] as const)('$version has $feature: $has', ({ version, feature, has }) => {
    expect(hasFeature(version, feature)).toBe(has);
  });
});
