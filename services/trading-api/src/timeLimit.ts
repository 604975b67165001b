/**
 * A promise bounded in time: the request deadline (app.ts) and the Valkey command timeout
 * (risk/valkey.ts) both answer their caller with whichever comes first, the work's outcome or an
 * error at the limit. One timer and one promise per call, on the hot path of every request.
 */

/**
 * `work`'s outcome, or a rejection with the error `expired()` returns once `ms` have passed,
 * whichever comes first. The loser's outcome is ignored (a promise settles once), so a late
 * rejection of `work` never surfaces as an unhandled one.
 */
export function settleWithin<T>(work: Promise<T>, ms: number, expired: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(expired()), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
