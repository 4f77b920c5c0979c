// Bench only: shifts the wall clock of the process it is preloaded into by
// AMR_TORTURE_CLOCK_OFFSET_MS milliseconds (Date.now(), new Date(), Date()), so the torture
// can play a week of scheduled `amr run`s in minutes. Timers, performance.now() and file
// times are left as they are. The product has no clock hook; nothing in src/ reads this.
//   node --import ./bench/torture/clock.mjs bin/amr.js run ...
const offset = Number(process.env.AMR_TORTURE_CLOCK_OFFSET_MS ?? 0);
if (Number.isFinite(offset) && offset !== 0) {
  const RealDate = Date;
  const realNow = RealDate.now.bind(RealDate);
  const now = () => realNow() + offset;
  globalThis.Date = new Proxy(RealDate, {
    // new Date() is "now" shifted; new Date(anything) is that time, unshifted.
    construct: (target, args, newTarget) => Reflect.construct(target, args.length ? args : [now()], newTarget),
    // Date() called as a function returns the shifted time as a string.
    apply: () => new RealDate(now()).toString(),
    get: (target, prop, receiver) => (prop === 'now' ? now : Reflect.get(target, prop, receiver)),
  });
}
