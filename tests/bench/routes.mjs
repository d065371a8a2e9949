// Brotli bytes each route of the resident app needs before it is interactive: the page, its
// CSS, config.json, the main script, wasm and chunk loaders, plus the route's chunks as the
// loaders (`__wasm_split-*.js`, written by `cargo xtask split-app`) list them. Prints figures,
// judges nothing; `cargo xtask bench-app` prints them with the budgets.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

/** Route → the split module (src/lazy.rs) whose chunks it waits for; none for the main module's. */
export const ROUTES = {
  'home /': null,
  'track /track': null,
  'file /file': 'file',
  'progress /complaints/…': 'progress',
  'receipt /receipt/…': 'receipt',
  'my complaints /mine': 'mine',
  'ranking /scorecards': 'scorecards',
  'scorecard /scorecards/…': 'scorecards',
};

const brotli = (bytes) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

export function routeBytes(dist) {
  const files = readdirSync(dist);
  const size = (name) => brotli(readFileSync(join(dist, name)));
  // Everything at the top of dist except the chunks is loaded by every route (the staff folder
  // is another app).
  const main = files.filter((name) => /\.(html|js|css|json)$/.test(name) || /_bg\.wasm$/.test(name));
  const mainBytes = main.reduce((sum, name) => sum + size(name), 0);
  const linkName = files.find((name) => name.startsWith('__wasm_split'));
  const link = linkName ? readFileSync(join(dist, linkName), 'utf8') : '';
  const chunkFile = new Map();
  for (const [, variable, file] of link.matchAll(/const (__chunk_\d+) = makeLoad\(\(\) => \{\s*const src = fetch\(new URL\("\.\/([^"]+)"/g)) {
    chunkFile.set(variable, file);
  }
  const routes = {};
  for (const [route, split] of Object.entries(ROUTES)) {
    let bytes = mainBytes;
    if (split) {
      const loader = new RegExp(`export const __wasm_split_load_${split} = wrapAsyncCb\\(makeLoad\\(\\(\\) => \\{\\s*const src = fetch\\(new URL\\("\\./([^"]+)"[\\s\\S]*?\\n, \\[([^\\]]*)\\]`);
      const found = link.match(loader);
      if (!found) throw new Error(`no loader for ${split} in ${linkName}`);
      const deps = found[2].split(',').map((d) => d.trim()).filter(Boolean).map((d) => chunkFile.get(d));
      bytes += [found[1], ...deps].reduce((sum, name) => sum + size(name), 0);
    }
    routes[route] = bytes;
  }
  const everything = files.filter((name) => /\.(html|js|css|json|wasm)$/.test(name)).reduce((sum, name) => sum + size(name), 0);
  return { routes, everything };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { routes, everything } = routeBytes(process.argv[2] ?? 'dist');
  for (const [route, bytes] of Object.entries(routes)) console.log(`${route.padEnd(28)} ${(bytes / 1024).toFixed(1)} KB brotli`);
  console.log(`${'every file'.padEnd(28)} ${(everything / 1024).toFixed(1)} KB brotli`);
}
