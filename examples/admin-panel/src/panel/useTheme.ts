import { useEffect, useState } from 'react';

/** The panel's colour scheme. */
export type PanelTheme = 'light' | 'dark';

const STORAGE_KEY = 'northwind-admin-theme';

/** The theme, remembered across visits and applied to the document (the host owns its `html`). */
export function useTheme(): [PanelTheme, (theme: PanelTheme) => void] {
  const [theme, setTheme] = useState<PanelTheme>(() =>
    localStorage.getItem(STORAGE_KEY) === 'dark' ? 'dark' : 'light',
  );
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem(STORAGE_KEY, theme);
  }, [theme]);
  return [theme, setTheme];
}
