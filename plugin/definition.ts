import {
  PLUGIN_IDENTITY,
  QUERIES,
  deriveAccessRequest,
  type FieldAccess,
  type QueryDefinition,
} from './contract.ts';
import { DEFAULT_PS_VERSION, hasFeature } from './ps-version.ts';

/** `<oauth accessLevelV1Api=..>` values (SIS 25.2.0.0+); absent means NONE. */
export const V1_ACCESS_LEVELS = ['NONE', 'READ', 'FULL'] as const;
export type V1AccessLevel = (typeof V1_ACCESS_LEVELS)[number];

/** Type guard for V1AccessLevel. */
export function isV1AccessLevel(value: unknown): value is V1AccessLevel {
  return typeof value === 'string' && (V1_ACCESS_LEVELS as readonly string[]).includes(value);
}

/** Everything a plugin bundle declares: plugin.xml plus the queries under queries_root/. */
export interface PluginDefinition {
  name: string;
  version: string;
  description: string;
  /**
   * null when plugin.xml has no `<oauth/>` (the plugin then gets no credentials). `personas`:
   * the `<allow-persona>`s of the three-legged (OpenID Connect) form, when it is used.
   */
  oauth: { accessLevelV1Api?: V1AccessLevel; personas?: string[] } | null;
  accessRequest: FieldAccess[];
  /**
   * `<cdn_request><cdn name=".."/></cdn_request>` hosts inside access_request (PowerSchool
   * 21.11.0.0+): external content servers added to the Content Security Policy. Absent or []
   * when the plugin declares none.
   */
  cdnRequest?: string[];
  publisher: { name: string; contact: { email: string; phone?: string } };
  queries: QueryDefinition[];
  /** The other services plugin.xml declares (links, single sign-on, registration), when read. */
  services?: PluginServices;
}

/** What a parsed plugin.xml declares beyond data access, for the inspect summary. */
export interface PluginServices {
  /** Number of top-level navigation `<link>`s. */
  links: number;
  openidHost?: string;
  samlName?: string;
  registrationUrl?: string;
  autoinstall: boolean;
  identityAttribute: boolean;
}

export interface DefinitionOptions {
  /** The PowerSchool version the bundle targets; decides accessLevelV1Api. */
  psVersion?: string;
  /** The plugin's own version (plugin.xml version attribute). */
  version?: string;
  contactEmail?: string;
}

/**
 * The Navigate360 Attendance Access plugin for one PowerSchool version: access_request derived
 * from the data contract; accessLevelV1Api="FULL" on 25.2.0.0+ (the guide asks for Full Access),
 * absent before (the older installer rejects the attribute).
 */
export function defaultPluginDefinition(options: DefinitionOptions = {}): PluginDefinition {
  const psVersion = options.psVersion ?? DEFAULT_PS_VERSION;
  return {
    name: PLUGIN_IDENTITY.name,
    version: options.version ?? PLUGIN_IDENTITY.version,
    description: PLUGIN_IDENTITY.description,
    oauth: hasFeature(psVersion, 'v1AccessLevel') ? { accessLevelV1Api: 'FULL' } : {},
    accessRequest: deriveAccessRequest(),
    publisher: {
      name: PLUGIN_IDENTITY.publisher.name,
      contact: { email: options.contactEmail ?? PLUGIN_IDENTITY.publisher.contact.email },
    },
    queries: [...QUERIES],
  };
}
