// The dashboard's strings, in the UI language: its own locale files, loaded with the dashboard's chunk.
import { format, i18n } from '../../lib/i18n.svelte';
import { dashboardEn } from '../../locales/dashboard.en';
import { dashboardJa } from '../../locales/dashboard.ja';

export type DashKey = keyof typeof dashboardJa;

export function t(key: DashKey, params?: Record<string, string | number>): string {
  return format((i18n.lang === 'ja' ? dashboardJa : dashboardEn)[key], params);
}
