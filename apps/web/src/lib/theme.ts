/*
 * The colour theme, per browser: `system` (the default) follows prefers-color-scheme;
 * `light` and `dark` set data-theme on <html>, which fixes the stylesheet's color-scheme
 * and so every light-dark() token. Applied from main.tsx before the first render, in the
 * same task as the app's first paint, so a stored choice never flashes the other theme.
 */
export const THEMES = ['light', 'dark', 'system'] as const;
export type Theme = (typeof THEMES)[number];

export const THEME_STORAGE_KEY = 'parley:theme';

function isTheme(value: unknown): value is Theme {
  return typeof value === 'string' && (THEMES as readonly string[]).includes(value);
}

/** The stored choice; `system` when none, when it is unreadable, or storage is blocked. */
export function storedTheme(): Theme {
  try {
    const value = localStorage.getItem(THEME_STORAGE_KEY);
    return isTheme(value) ? value : 'system';
  } catch {
    return 'system';
  }
}

export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
}

/** Remembers the choice for this browser and applies it at once. */
export function chooseTheme(theme: Theme): void {
  try {
    if (theme === 'system') localStorage.removeItem(THEME_STORAGE_KEY);
    else localStorage.setItem(THEME_STORAGE_KEY, theme);
  } catch {
    // Storage blocked (private mode, policy): the choice holds until the page reloads.
  }
  applyTheme(theme);
}
