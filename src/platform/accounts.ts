/**
 * Windows accounts amr deals with, by well-known SID: names are translated on
 * non-English Windows ("NT-AUTORITÄT\NETZWERKDIENST"), SIDs are not.
 */
export const SID = {
  system: 'S-1-5-18',
  localService: 'S-1-5-19',
  networkService: 'S-1-5-20',
  administrators: 'S-1-5-32-544',
} as const;

const WELL_KNOWN: Record<string, string> = {
  'system': SID.system, 'nt authority\\system': SID.system, 'localsystem': SID.system,
  'local service': SID.localService, 'nt authority\\local service': SID.localService, 'nt authority\\localservice': SID.localService,
  'network service': SID.networkService, 'nt authority\\network service': SID.networkService, 'nt authority\\networkservice': SID.networkService,
};

/** The SID of a built-in service account name (or a SID given as such), else null: a named user. */
export function serviceAccountSid(account: string): string | null {
  const a = account.trim().toLowerCase();
  if (/^s-1-5-(18|19|20)$/.test(a)) return a.toUpperCase();
  return WELL_KNOWN[a] ?? null;
}

/** The account the scheduled task runs as when none is configured: see README "Which account the task runs as". */
export const DEFAULT_TASK_ACCOUNT = 'NETWORK SERVICE';

/** How icacls names a trustee: `*SID` for the built-in ones (any Windows language), else the name. */
export function icaclsTrustee(account: string): string {
  const sid = serviceAccountSid(account);
  return sid ? `*${sid}` : account;
}
