/** The last search page URL of this tab, so "back to results" returns to it with its filters. */
const KEY = 'kiroku.lastSearch';

export function rememberSearch(search: string): void {
  try {
    sessionStorage.setItem(KEY, search);
  } catch {
    /* storage disabled */
  }
}

export function lastSearchUrl(fallbackQ = ''): string {
  try {
    const saved = sessionStorage.getItem(KEY);
    if (saved !== null) return `/${saved}`;
  } catch {
    /* storage disabled */
  }
  return fallbackQ ? `/?q=${encodeURIComponent(fallbackQ)}` : '/';
}
