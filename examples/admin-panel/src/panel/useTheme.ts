import { useCallback, useEffect, useState } from 'react';

/** The panel's colour scheme. */
export type PanelTheme = 'light' | 'dark';

const STORAGE_KEY = 'northwind-admin-theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

function stored(): PanelTheme | undefined {
  const value = localStorage.getItem(STORAGE_KEY);
  return value === 'dark' || value === 'light' ? value : undefined;
}

function systemTheme(): PanelTheme {
  return window.matchMedia(DARK_QUERY).matches ? 'dark' : 'light';
}

/**
 * The theme applied to the document (the host owns its `html`): the OS colour scheme
 * (`prefers-color-scheme`, followed live) until the user toggles, then their choice, remembered.
 */
export function useTheme(): [PanelTheme, (theme: PanelTheme) => void] {
  const [chosen, setChosen] = useState<PanelTheme | undefined>(stored);
  const [system, setSystem] = useState<PanelTheme>(systemTheme);
  useEffect(() => {
    const media = window.matchMedia(DARK_QUERY);
    const follow = () => setSystem(media.matches ? 'dark' : 'light');
    media.addEventListener('change', follow);
    return () => media.removeEventListener('change', follow);
  }, []);
  const theme = chosen ?? system;
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  const choose = useCallback((next: PanelTheme) => {
    localStorage.setItem(STORAGE_KEY, next);
    setChosen(next);
  }, []);
  return [theme, choose];
}
