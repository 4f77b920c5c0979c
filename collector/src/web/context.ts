import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Viewer } from '../auth/viewer.js';
import type { Db } from '../db/types.js';
import type { Logger } from '../log.js';

export interface ConsoleOptions {
  db: Db;
  log: Logger;
  /** HTTPS: cookies get the Secure flag. */
  secure: boolean;
  staleHours: number;
}

/** A logged-in viewer of a page: the session's CSRF token travels with it into every form. */
export type WebViewer = Viewer & { csrf: string; sessionHash: string };

export interface Req {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  o: ConsoleOptions;
  remote: string;
}
