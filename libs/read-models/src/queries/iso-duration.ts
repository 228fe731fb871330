const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/**
 * A queue horizon such as `PT4H`, `P1D` or `PT90M` in milliseconds (a day counts 24 hours here:
 * a horizon, not a business deadline); null when it is not such a duration or is zero.
 */
export function horizonMs(duration: string): number | null {
  const match = DURATION.exec(duration);
  if (!match || duration === 'P' || duration.endsWith('T')) return null;
  const [days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  const ms = (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
  return ms > 0 && Number.isSafeInteger(ms) ? ms : null;
}
