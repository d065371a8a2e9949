// Brotli bytes each route of the resident app needs before it is interactive: the page, its
// CSS, config.json, the main script, wasm and chunk loaders, plus the bundle of the route's
// chunks (`bundle_<module>-*.bin`, written by `cargo xtask split-app`). Prints figures,
// judges nothing; `cargo xtask bench-app` prints them with the budgets.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

/** Route → the split module (src/lazy.rs) whose bundle it waits for; none for the main module's. */
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
  // Everything at the top of dist except the bundles is loaded by every route (the staff folder
  // is another app).
  const main = files.filter((name) => /\.(html|js|css|json)$/.test(name) || /_bg\.wasm$/.test(name));
  const mainBytes = main.reduce((sum, name) => sum + size(name), 0);
  const routes = {};
  for (const [route, split] of Object.entries(ROUTES)) {
    let bytes = mainBytes;
    if (split) {
      // The split module's wasm files, all in one (written by `cargo xtask split-app`).
      const bundle = files.find((name) => new RegExp(`^bundle_${split}-[0-9a-f]+\\.bin$`).test(name));
      if (!bundle) throw new Error(`no bundle for ${split} in ${dist}`);
      bytes += size(bundle);
    }
    routes[route] = bytes;
  }
  const everything = files.filter((name) => /\.(html|js|css|json|wasm|bin)$/.test(name)).reduce((sum, name) => sum + size(name), 0);
  return { routes, everything };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { routes, everything } = routeBytes(process.argv[2] ?? 'dist');
  for (const [route, bytes] of Object.entries(routes)) console.log(`${route.padEnd(28)} ${(bytes / 1024).toFixed(1)} KB brotli`);
  console.log(`${'every file'.padEnd(28)} ${(everything / 1024).toFixed(1)} KB brotli`);
}
