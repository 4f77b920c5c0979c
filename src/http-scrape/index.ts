/** Reading printers' own web pages: the API `amr read` wires in. */
export { scrapeDevice, webWanted } from './scrape.js';
export { mergeWeb } from './merge.js';
export { webOptionsFor } from './config.js';
export { loadWebProfiles, matchWebProfile, parseProfile, PROFILE_DIR } from './profiles.js';
export type { ScrapeOptions, WebResult, WebValue, WebProfile, WebTarget } from './types.js';
