/**
 * /__sim/plugins: what an administrator does under System Management > Server > Plugin
 * Configuration, as HTTP. Install (POST the .zip or plugin.xml bytes), enable, disable, delete,
 * and the Data Provider Configuration page (read, change v1 access level, regenerate).
 */
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { V1_ACCESS_LEVELS } from '../../plugin/definition.ts';
import { PsHttpError, psError, renderPsError } from '../http/errors.ts';
import type { Platform } from './platform.ts';
import { PluginInstallError, PluginRegistryError, type PluginRefusal } from './plugin-registry.ts';
import { describeDataProvider, describePlugin } from './plugin-view.ts';
import { readBodyBytes, readJsonBody, type BodyRules } from '../http/request-body.ts';
import { routeMounter } from '../http/route-spec.ts';
import { PLATFORM_CONTROL_ROUTES } from './platform-specs.ts';
import { parseOrThrow } from './route-helpers.ts';

/** Inferred: PowerSchool's upload limit is not public; 20 MB is far above any real plugin. */
export const MAX_PLUGIN_UPLOAD_BYTES = 20 * 1024 * 1024;

/** Content types accepted for an upload: a zip, or a bare plugin.xml. */
export const PLUGIN_UPLOAD_CONTENT_TYPES = [
  'application/zip',
  'application/x-zip-compressed',
  'application/octet-stream',
  'application/xml',
  'text/xml',
] as const;

/** An upload: the raw bytes of a .zip or of plugin.xml. */
const UPLOAD_BODY: BodyRules = {
  what: 'the plugin upload',
  maxBytes: MAX_PLUGIN_UPLOAD_BYTES,
  accept: PLUGIN_UPLOAD_CONTENT_TYPES,
  hint: 'Upload the raw bytes of the plugin .zip (Content-Type: application/zip) or of plugin.xml (application/xml).',
};

/** The Data Provider page's one setting. */
const DATA_PROVIDER_BODY: BodyRules = {
  what: 'the Data Provider Configuration change',
  maxBytes: 4 * 1024,
  accept: 'json',
  hint: 'Send {"accessLevelV1Api": "NONE" | "READ" | "FULL"}.',
};

const REFUSAL_STATUS: Record<PluginRefusal, 404 | 409> = {
  not_found: 404,
  not_on_this_version: 409,
  no_oauth: 409,
  disabled: 409,
};

const dataProviderUpdateSchema = z.strictObject({ accessLevelV1Api: z.enum(V1_ACCESS_LEVELS) });

/** The plugin control routes as a sub-app (mount at /__sim/plugins). */
export function pluginControlRoutes(platform: Platform): Hono {
  const app = new Hono();
  app.onError((error, c) => renderPsError(toHttpError(error), c));
  const { registry, psVersion } = platform;

  const route = routeMounter(app, '/__sim/plugins', PLATFORM_CONTROL_ROUTES);
  route('GET', '/__sim/plugins', (c) =>
    c.json({ plugins: registry.list().map((p) => describePlugin(p, psVersion)) }),
  );
  route('POST', '/__sim/plugins', async (c) => {
    const plugin = await registry.install(await readUpload(c));
    return c.json(describePlugin(plugin, psVersion), 201);
  });
  route('GET', '/__sim/plugins/:id', (c) =>
    c.json(describePlugin(registry.require(pluginId(c)), psVersion)),
  );
  route('DELETE', '/__sim/plugins/:id', (c) => {
    const id = pluginId(c);
    const { name } = registry.require(id).definition;
    registry.remove(id);
    return c.json({ deleted: id, name });
  });
  route('POST', '/__sim/plugins/:id/enable', (c) =>
    c.json(describePlugin(registry.enable(pluginId(c)), psVersion)),
  );
  route('POST', '/__sim/plugins/:id/disable', (c) =>
    c.json(describePlugin(registry.disable(pluginId(c)), psVersion)),
  );
  route('GET', '/__sim/plugins/:id/data-provider', (c) => {
    const plugin = registry.requireDataProvider(pluginId(c));
    return c.json(describeDataProvider(plugin, psVersion));
  });
  route('PUT', '/__sim/plugins/:id/data-provider', async (c) => {
    const id = pluginId(c);
    const body = parseOrThrow(
      dataProviderUpdateSchema,
      await readJsonBody(c, DATA_PROVIDER_BODY),
      'Data Provider Configuration',
    );
    const plugin = registry.setV1AccessLevel(id, body.accessLevelV1Api);
    return c.json(describeDataProvider(plugin, psVersion));
  });
  route('POST', '/__sim/plugins/:id/regenerate', (c) => {
    const plugin = registry.regenerateCredentials(pluginId(c));
    return c.json(describeDataProvider(plugin, psVersion));
  });
  return app;
}

function pluginId(c: Context): number {
  const raw = c.req.param('id') ?? '';
  if (!/^[1-9]\d{0,9}$/.test(raw)) {
    throw psError(
      404,
      `"${raw}" is not a plugin id: ids are whole numbers; list them with GET /__sim/plugins.`,
    );
  }
  return Number(raw);
}

async function readUpload(c: Context): Promise<Uint8Array> {
  const bytes = new Uint8Array(await readBodyBytes(c, UPLOAD_BODY));
  if (bytes.length === 0) {
    throw psError(400, 'The upload is empty: POST the bytes of the plugin .zip or plugin.xml.');
  }
  return bytes;
}

/** Registry refusals and install failures as HTTP answers; anything else passes through. */
function toHttpError(error: Error): Error {
  if (error instanceof PluginRegistryError)
    return psError(REFUSAL_STATUS[error.reason], error.message);
  if (error instanceof PluginInstallError) {
    const status = error.reason === 'duplicate' ? 409 : 400;
    const count = error.violations.length;
    return new PsHttpError(status, {
      message: `The plugin was not installed: ${count} problem${count === 1 ? '' : 's'} found.`,
      errors: error.violations.map((violation) => ({
        field: violation.where,
        code: error.reason === 'duplicate' ? 'DUPLICATE_PLUGIN' : 'INVALID_PLUGIN',
        message: violation.message,
      })),
    });
  }
  return error;
}
