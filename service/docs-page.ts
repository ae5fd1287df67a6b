/**
 * The API reference page at /api/docs: Swagger UI over /api/openapi.json, its script and styles
 * served from the swagger-ui-dist package installed with pswb (never from a CDN, so the page
 * works on a network that reaches nothing else).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Context } from 'hono';

/** The files of swagger-ui-dist the page uses, and their types. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

const distDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** The page's HTML. */
export function docsPage(specUrl: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>pswb ingest API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css">
</head>
<body>
<main id="api-reference"></main>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({ url: ${JSON.stringify(specUrl)}, dom_id: '#api-reference' });
</script>
</body>
</html>
`;
}

/** One of the page's assets, or 404. */
export async function docsAsset(c: Context, file: string): Promise<Response> {
  const type = ASSETS[file];
  if (!type) return c.notFound();
  const body = await readFile(join(distDir, file));
  return c.body(body, 200, { 'content-type': type, 'cache-control': 'public, max-age=86400' });
}
