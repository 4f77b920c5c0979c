import type { Db } from '../db/types.js';
import { validTimeZone, type BillingCalendar } from '../reports/period.js';

export class BillingError extends Error {}

export interface CustomerCalendar extends BillingCalendar { customer: string }

const row = (r: Record<string, unknown>): CustomerCalendar => ({ customer: String(r.code), billingDay: Number(r.billing_day), timeZone: String(r.time_zone) });

/** A customer's billing day (1-28) and time zone; an unknown customer is a BillingError. */
export async function billingCalendar(db: Db, customer: string): Promise<CustomerCalendar> {
  const r = await db.get('SELECT code, billing_day, time_zone FROM customers WHERE code = ?', [customer]);
  if (!r) throw new BillingError(`customer "${customer}" is not known; see "amr-collector customer list"`);
  return row(r);
}

export async function billingCalendars(db: Db): Promise<CustomerCalendar[]> {
  return (await db.all('SELECT code, billing_day, time_zone FROM customers ORDER BY code')).map(row);
}

/** Days 29-31 do not exist in every month: a billing day is 1-28, so every period is a whole month. */
export function checkCalendar(c: Partial<BillingCalendar>): void {
  if (c.billingDay !== undefined && (!Number.isInteger(c.billingDay) || c.billingDay < 1 || c.billingDay > 28)) {
    throw new BillingError(`billing day "${c.billingDay}" is not a day 1-28 (every month has those)`);
  }
  if (c.timeZone !== undefined && !validTimeZone(c.timeZone)) {
    throw new BillingError(`time zone "${c.timeZone}" is not known: use an IANA name such as Europe/Oslo, America/New_York or UTC`);
  }
}

/** Sets a customer's billing day and/or time zone. Closed bills keep the calendar they were closed with. */
export async function setBillingCalendar(db: Db, customer: string, c: Partial<BillingCalendar>): Promise<CustomerCalendar> {
  checkCalendar(c);
  const cur = await billingCalendar(db, customer);
  const next = { ...cur, ...Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) } as CustomerCalendar;
  await db.run('UPDATE customers SET billing_day = ?, time_zone = ? WHERE code = ?', [next.billingDay, next.timeZone, customer]);
  return next;
}
