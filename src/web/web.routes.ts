// The web chat page, served by the API's own server. Its TypeScript is
// bundled by esbuild in memory on the first request (no build step to run),
// and every asset goes out with a content security policy that allows
// nothing but this server.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../http/app-env.ts';

const webDir = new URL('../../web/', import.meta.url);

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

interface Asset {
  body: string;
  type: string;
  etag: string;
}

async function bundle(): Promise<Record<string, Asset>> {
  const result = await build({
    entryPoints: [new URL('src/main.ts', webDir).pathname],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const script = result.outputFiles[0]?.text ?? '';
  const assets: Record<string, [string, string]> = {
    '/': [await readFile(new URL('index.html', webDir), 'utf8'), 'text/html; charset=utf-8'],
    '/app.js': [script, 'text/javascript; charset=utf-8'],
    '/styles.css': [
      await readFile(new URL('styles.css', webDir), 'utf8'),
      'text/css; charset=utf-8',
    ],
  };
  return Object.fromEntries(
    Object.entries(assets).map(([path, [body, type]]) => [
      path,
      {
        body,
        type,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`,
      },
    ]),
  );
}

export function webRoutes(): Hono<AppEnv> {
  let assets: Promise<Record<string, Asset>> | undefined;
  const routes = new Hono<AppEnv>();
  routes.get('/', serveAsset);
  routes.get('/app.js', serveAsset);
  routes.get('/styles.css', serveAsset);
  return routes;

  async function serveAsset(c: Context<AppEnv>): Promise<Response> {
    assets ??= bundle();
    const asset = (await assets)[c.req.path];
    if (asset === undefined) return c.notFound();
    c.header('Content-Security-Policy', CSP);
    // Revalidated on every load: the ETag makes that a 304 when nothing changed.
    c.header('Cache-Control', 'no-cache');
    c.header('ETag', asset.etag);
    if (c.req.header('If-None-Match') === asset.etag) return c.body(null, 304);
    c.header('Content-Type', asset.type);
    return c.body(asset.body);
  }
}
