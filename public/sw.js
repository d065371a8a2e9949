// Mashang's service worker. Once the app has been opened, it starts with no network: the page,
// its styles, scripts, wasm and every chunk of the current build are kept here. Nothing else is:
// API answers never pass through this cache (the app keeps the last-known state of a resident's
// complaints itself, marked as such).
//
// A new build is fetched in the background when the app starts and is used from the next start
// on, never in the middle of a visit: the page a resident is filling in keeps the build it
// started with, and all of that build's files carry its build id, so a chunk of another build is
// never mixed in.

const CACHE = 'mashang-app';
const SCOPE = self.registration.scope; // the base path, ending in '/'
const PAGE = SCOPE; // the app's page, the same for every route
// Fetched at start but not named with a build id.
const ALWAYS = ['config.json', 'manifest.webmanifest', 'icon-192.png', 'icon-512.png', 'icon-maskable-512.png'];

/** The files a page names: `./name` (scripts, styles, wasm and the chunk list), and ALWAYS. */
function filesOf(page) {
  const files = new Set(ALWAYS.map((name) => new URL(name, SCOPE).href));
  for (const [name] of page.matchAll(/\.\/[A-Za-z0-9_.-]+/g)) files.add(new URL(name, SCOPE).href);
  return files;
}

/** Keeps the current build: its files first, then its page, so a kept page never names a
 *  missing file. Then lets go of files that neither this build nor the one before it names. */
async function keepCurrentBuild() {
  const answer = await fetch(PAGE, { cache: 'no-cache' });
  if (!answer.ok) throw new Error(`the page answered ${answer.status}`);
  const page = await answer.clone().text();
  const cache = await caches.open(CACHE);
  const kept = await cache.match(PAGE);
  const before = kept ? filesOf(await kept.text()) : new Set();
  const wanted = filesOf(page);
  await Promise.all(
    [...wanted].map(async (url) => {
      const hashed = /-[0-9a-f]{12,16}(_bg)?\.[a-z]+$/.test(url);
      if (hashed && (await cache.match(url))) return;
      const file = await fetch(url, { cache: hashed ? 'default' : 'no-cache' });
      if (!file.ok) throw new Error(`${url} answered ${file.status}`);
      await cache.put(url, file);
    }),
  );
  await cache.put(PAGE, answer);
  for (const request of await cache.keys()) {
    if (request.url !== PAGE && !wanted.has(request.url) && !before.has(request.url)) await cache.delete(request);
  }
}

self.addEventListener('install', (event) => event.waitUntil(keepCurrentBuild()));
// The first visit's page is served by the network; take it over so it can start offline next.
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || !request.url.startsWith(SCOPE)) return;
  const path = request.url.slice(SCOPE.length);
  // The API (never cached) and the staff workbench (another app) go to the network untouched.
  if (path.startsWith('api/') || path === 'staff' || path.startsWith('staff/') || path.startsWith('staff?')) return;
  if (request.mode === 'navigate') {
    event.respondWith(startApp(event));
    return;
  }
  event.respondWith(caches.open(CACHE).then(async (cache) => (await cache.match(request)) ?? fetch(request)));
});

/** Every route of the app is the same page: the kept one at once, and a newer build fetched for
 *  the next start. Without a kept page (the first visit), the network's. */
async function startApp(event) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(PAGE);
  if (!kept) return fetch(event.request);
  event.waitUntil(keepCurrentBuild().catch(() => {}));
  return kept;
}
