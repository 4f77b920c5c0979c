import type { Action } from '../auth/viewer.js';
import { accountPage, changePasswordAction, createTokenAction, revokeTokenAction } from './account.js';
import { agentsPage, enrollAction, rekeyAction, revokeAction } from './agents.js';
import { ackAction, alertsPage } from './alerts.js';
import { billingExport, billingPage, closeAction } from './billing.js';
import type { Req, WebViewer } from './context.js';
import { devicePage } from './device.js';
import { fleetPage } from './fleet.js';
import { suppliesPage } from './supplies.js';
import { notificationAck, notificationsPage, shipAction, shipCsv } from './service.js';
import { addUserAction, auditPage, passwdAction, removeUserAction, usersPage } from './users.js';

export interface Route {
  method: 'GET' | 'POST';
  path: RegExp;
  /** What the viewer's role must allow; none = any logged-in user (the data is scoped). */
  need?: Action;
  run: (r: Req, v: WebViewer, m: RegExpExecArray, form: URLSearchParams) => Promise<void>;
}

/** Every page of the console, in one table: what it is, who may use it. */
export const ROUTES: Route[] = [
  { method: 'GET', path: /^\/$/, run: fleetPage },
  { method: 'GET', path: /^\/devices\/(\d{1,15})$/, run: devicePage },
  { method: 'GET', path: /^\/agents$/, run: agentsPage },
  { method: 'POST', path: /^\/agents\/enroll$/, need: 'manage-agents', run: enrollAction },
  { method: 'POST', path: /^\/agents\/rekey$/, need: 'manage-agents', run: rekeyAction },
  { method: 'POST', path: /^\/agents\/revoke$/, need: 'manage-agents', run: revokeAction },
  { method: 'GET', path: /^\/alerts$/, run: alertsPage },
  { method: 'POST', path: /^\/alerts\/([A-Za-z0-9._-]{1,64})\/ack$/, need: 'acknowledge', run: ackAction },
  { method: 'GET', path: /^\/supplies$/, run: suppliesPage },
  { method: 'GET', path: /^\/supplies\/to-ship\.csv$/, run: shipCsv },
  { method: 'POST', path: /^\/supplies\/ship$/, need: 'ship', run: shipAction },
  { method: 'GET', path: /^\/notifications$/, run: notificationsPage },
  { method: 'POST', path: /^\/notifications\/(\d{1,15})\/ack$/, need: 'acknowledge', run: notificationAck },
  { method: 'GET', path: /^\/billing$/, run: billingPage },
  { method: 'GET', path: /^\/billing\.(csv|json)$/, run: billingExport },
  { method: 'POST', path: /^\/billing\/close$/, need: 'manage-users', run: closeAction },
  { method: 'GET', path: /^\/users$/, need: 'manage-users', run: usersPage },
  { method: 'POST', path: /^\/users\/add$/, need: 'manage-users', run: addUserAction },
  { method: 'POST', path: /^\/users\/remove$/, need: 'manage-users', run: removeUserAction },
  { method: 'POST', path: /^\/users\/passwd$/, need: 'manage-users', run: passwdAction },
  { method: 'GET', path: /^\/audit$/, need: 'view-audit', run: auditPage },
  { method: 'GET', path: /^\/account$/, run: (r, v) => accountPage(r, v) },
  { method: 'POST', path: /^\/account\/tokens$/, run: createTokenAction },
  { method: 'POST', path: /^\/account\/tokens\/revoke$/, run: revokeTokenAction },
  { method: 'POST', path: /^\/account\/password$/, run: changePasswordAction },
];
