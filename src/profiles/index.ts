/** The vendor profile layer: load, select, fetch list, apply. See docs/profiles.md. */
export { loadProfiles, loadProfileFile, BUILTIN_PROFILE_DIR, type LoadOptions } from './load.js';
export { selectProfile, selectProfileMatch, matchProfile, profileProbes, type ProfileMatchResult } from './select.js';
export { profileRequests } from './requests.js';
export { applyProfile, stateFromPercent } from './apply.js';
export { checkCounters } from './checks.js';
export { ProfileError, validateProfile } from './validate.js';
export type { Profile } from './types.js';
export { profileExtension, type ProfileExtensionOptions } from './extension.js';
