/** The PowerSchool Setup page's tabs, in order, and which roles may open each. */
import type { PageUser } from './accounts.ts';

/** The tabs, in order, with who may open them. */
export const TABS = [
  { id: 'overview', label: 'Overview', path: '/admin', roles: 'all' },
  { id: 'settings', label: 'Settings', path: '/admin/settings', roles: 'district' },
  { id: 'schools', label: 'School Building Setup', path: '/admin/schools', roles: 'all' },
  { id: 'reasons', label: 'Reasons', path: '/admin/reasons', roles: 'all' },
  { id: 'logs', label: 'Writeback Logs', path: '/admin/logs', roles: 'all' },
  { id: 'check', label: 'Check', path: '/admin/check', roles: 'all' },
  { id: 'audit', label: 'Audit log', path: '/admin/audit', roles: 'district-admin' },
] as const;

export type TabId = (typeof TABS)[number]['id'];

/**
 * Whether a user's role may open a tab (the same rule guards the route on the server). An
 * operator of a PostgreSQL service sees the districts' overview only.
 */
export function mayOpen(user: PageUser, tab: TabId): boolean {
  if (user.role === 'operator') return tab === 'overview';
  const roles = TABS.find((entry) => entry.id === tab)!.roles;
  if (roles === 'all') return true;
  if (roles === 'district') return user.role !== 'building_admin';
  return user.role === 'district_admin';
}
