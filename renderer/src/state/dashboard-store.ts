/**
 * The dashboard's state as components read it: `useDashboard(selector)` redraws a component only
 * when its slice changes; `useApi()` is the API it was fed from.
 */
import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { RunwatchApi } from '../../../shared/api.ts';
import type { DashboardState, DashboardStore } from './dashboard-feed.ts';

export type { AlertPush, DashboardState, DashboardStore, Notice } from './dashboard-feed.ts';

export const StoreContext = createContext<DashboardStore | null>(null);
export const ApiContext = createContext<RunwatchApi | null>(null);

export function useDashboard<T>(selector: (state: DashboardState) => T): T {
  const store = useContext(StoreContext);
  if (store === null) throw new Error('useDashboard outside the dashboard');
  return useStore(store, selector);
}

export function useApi(): RunwatchApi {
  const api = useContext(ApiContext);
  if (api === null) throw new Error('useApi outside the dashboard');
  return api;
}
