// The web chat page, served by the API's own server. Its TypeScript and
// React (web/src) are bundled by esbuild in memory on the first request (no
// build step to run), and every asset goes out with a content security
// policy that allows nothing but this server. Conversation addresses
// (`/c/<id>`) get the same page, which opens the conversation itself.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../http/app-env.ts';

const webDir = new URL('../../web/', import.meta.url);

const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

interface Asset {
  body: string;
  gzip: Uint8Array<ArrayBuffer>;
  type: string;
  etag: string;
}

// The page imports `ai` for the transport; @ai-sdk/react may pin a different
// patch of it. Resolving the page's `ai` from there keeps one copy in the bundle.
const oneAiCopy: Plugin = {
  name: 'one-ai-copy',
  setup(plugin) {
    plugin.onResolve({ filter: /^ai$/ }, async (args) => {
      if (args.pluginData === 'one-ai-copy') return undefined;
      const react = await plugin.resolve('@ai-sdk/react', {
        kind: 'import-statement',
        resolveDir: args.resolveDir,
      });
      return plugin.resolve('ai', {
        kind: args.kind,
        resolveDir: dirname(react.path),
        pluginData: 'one-ai-copy',
      });
    });
  },
};

async function bundle(): Promise<Record<string, Asset>> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('src/main.tsx', webDir))],
    bundle: true,
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    format: 'esm',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
    plugins: [oneAiCopy],
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
        gzip: new Uint8Array(gzipSync(body)),
        type,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`,
      },
    ]),
  );
}

export function webRoutes(): Hono<AppEnv> {
  let assets: Promise<Record<string, Asset>> | undefined;
  const routes = new Hono<AppEnv>();
  routes.get('/', (c) => serveAsset(c, '/'));
  routes.get('/c/:id', (c) => serveAsset(c, '/'));
  routes.get('/app.js', (c) => serveAsset(c, '/app.js'));
  routes.get('/styles.css', (c) => serveAsset(c, '/styles.css'));
  return routes;

  async function serveAsset(c: Context<AppEnv>, path: string): Promise<Response> {
    assets ??= bundle();
    const asset = (await assets)[path];
    if (asset === undefined) return c.notFound();
    c.header('Content-Security-Policy', CSP);
    // Revalidated on every load: the ETag makes that a 304 when nothing changed.
    c.header('Cache-Control', 'no-cache');
    c.header('ETag', asset.etag);
    c.header('Vary', 'Accept-Encoding');
    if (c.req.header('If-None-Match') === asset.etag) return c.body(null, 304);
    c.header('Content-Type', asset.type);
    if (/\bgzip\b/.test(c.req.header('Accept-Encoding') ?? '')) {
      c.header('Content-Encoding', 'gzip');
      return c.body(asset.gzip);
    }
    return c.body(asset.body);
  }
}
