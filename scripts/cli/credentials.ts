/**
 * One way to give a PowerSchool server and the plugin's credentials, for every verb that needs
 * them (connect, contract): the flags, else the environment, else what `pswb connect` saved.
 * The secret is best given through the environment: it then stays out of shell history.
 */
import type { OptionSpec } from './parse-options.ts';

/** --url, --client-id, --client-secret. */
export const CREDENTIAL_OPTIONS = {
  url: { type: 'string' },
  'client-id': { type: 'string' },
  'client-secret': { type: 'string' },
} as const satisfies OptionSpec;

/** The environment variables behind the flags. */
export const CREDENTIAL_ENV = {
  url: 'PSWB_POWERSCHOOL_URL',
  clientId: 'PSWB_CLIENT_ID',
  clientSecret: 'PSWB_CLIENT_SECRET',
} as const;

/** Help lines for CREDENTIAL_OPTIONS. */
export const CREDENTIAL_HELP = `  --url URL          PowerSchool base URL (default: $${CREDENTIAL_ENV.url})
  --client-id ID     The plugin's Client ID (default: $${CREDENTIAL_ENV.clientId})
  --client-secret S  The plugin's Client Secret (default: $${CREDENTIAL_ENV.clientSecret}; the
                     variable keeps it out of shell history). Both are on the plugin's Data
                     Provider Configuration page; the simulator prints its own in its ready line.`;

/** What was given, by flag or environment; absent parts stay undefined. */
export interface GivenCredentials {
  url?: string;
  clientId?: string;
  clientSecret?: string;
}

/** The credentials the flags or the environment give (a flag wins over its variable). */
export function givenCredentials(
  values: { url?: string; 'client-id'?: string; 'client-secret'?: string },
  env: Record<string, string | undefined>,
): GivenCredentials {
  const pick = (flag: string | undefined, name: string): string | undefined => {
    const value = flag ?? env[name];
    return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
  };
  const url = pick(values.url, CREDENTIAL_ENV.url);
  const clientId = pick(values['client-id'], CREDENTIAL_ENV.clientId);
  const clientSecret = pick(values['client-secret'], CREDENTIAL_ENV.clientSecret);
  return {
    ...(url ? { url } : {}),
    ...(clientId ? { clientId } : {}),
    ...(clientSecret ? { clientSecret } : {}),
  };
}

/** "--client-id (or PSWB_CLIENT_ID) and --client-secret (or PSWB_CLIENT_SECRET)" for what is missing. */
export function describeMissing(
  given: GivenCredentials,
  parts: readonly ('url' | 'clientId' | 'clientSecret')[],
): string {
  const flags = { url: '--url', clientId: '--client-id', clientSecret: '--client-secret' };
  return parts
    .filter((part) => given[part] === undefined)
    .map((part) => `${flags[part]} (or ${CREDENTIAL_ENV[part]})`)
    .join(' and ');
}
