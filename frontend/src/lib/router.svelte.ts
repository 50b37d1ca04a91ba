// Hash routes (#/queue, #/review/ID): they survive a reload in both the browser and the window, and need nothing
// from the server beyond index.html.

export type Page = 'review' | 'queue' | 'dashboard' | 'transfer' | 'settings' | 'adjudication' | 'audit' | 'users';

export interface Route {
  page: Page;
  /** An item to open on the review screen. */
  id?: string;
}

const pages: Page[] = ['review', 'queue', 'dashboard', 'transfer', 'settings', 'adjudication', 'audit', 'users'];

export function parseHash(hash: string): Route {
  // A screen may keep its own state after "?" (the dashboard's filters, so that a view can be shared).
  const parts = hash.replace(/^#\/?/, '').split('?')[0].split('/');
  const page = pages.includes(parts[0] as Page) ? (parts[0] as Page) : 'review';
  const id = page === 'review' && parts[1] ? decodeURIComponent(parts.slice(1).join('/')) : undefined;
  return id ? { page, id } : { page };
}

export function hashOf(r: Route): string {
  return '#/' + r.page + (r.id ? '/' + encodeURIComponent(r.id) : '');
}

let current = $state<Route>(parseHash(globalThis.location?.hash ?? ''));

if (globalThis.addEventListener) {
  globalThis.addEventListener('hashchange', () => {
    current = parseHash(location.hash);
  });
}

export const router = {
  get route(): Route {
    return current;
  },
};

export function go(r: Route) {
  const h = hashOf(r);
  if (location.hash !== h) location.hash = h;
  current = r;
}

/** Changes the address without a new history entry: the review screen follows the item it shows. */
export function follow(r: Route) {
  const h = hashOf(r);
  if (location.hash !== h) history.replaceState(null, '', h);
  current = r;
}
