import type { Role, User } from './users.js';

/**
 * Who is looking, and what they may do. Every query for customer data takes
 * the viewer's scope: a customer user's questions are limited to its customer
 * in SQL, so another customer's device is simply not found (404).
 */
export interface Viewer { user: User; tz: string; via: 'session' | 'token' }

export type Action = 'view-all-customers' | 'acknowledge' | 'manage-agents' | 'manage-users' | 'view-audit' | 'ship';

const RIGHTS: Record<Role, readonly Action[]> = {
  admin: ['view-all-customers', 'acknowledge', 'manage-agents', 'manage-users', 'view-audit', 'ship'],
  technician: ['view-all-customers', 'acknowledge', 'ship'],
  customer: [],
};

export const can = (v: Viewer, a: Action): boolean => RIGHTS[v.user.role].includes(a);

/** The one customer a viewer is limited to, or null for staff who see every customer. */
export const scopeCustomer = (v: Viewer): string | null => (can(v, 'view-all-customers') ? null : v.user.customer ?? '\u0000none');

/**
 * The customer to filter by: a customer user always gets its own (whatever it asked for);
 * staff get the one asked for, if any.
 */
export function customerFilter(v: Viewer, asked: string | null | undefined): string | undefined {
  const own = scopeCustomer(v);
  if (own !== null) return own;
  return asked || undefined;
}
