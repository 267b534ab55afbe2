/**
 * Reasons of a failed job that BigQuery documents as transient
 * (https://cloud.google.com/bigquery/docs/error-messages): the same query succeeds as a new job. The
 * client only retries HTTP requests, not a job that failed, so the driver runs the job again.
 */
const RETRYABLE_REASONS = new Set(['backendError', 'rateLimitExceeded', 'internalError', 'jobRateLimitExceeded'])

/** True when a client error carries a retryable job reason. */
export function isRetryableJobError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const errors = (error as { errors?: readonly { reason?: unknown }[] }).errors ?? []
  return errors.some((e) => typeof e.reason === 'string' && RETRYABLE_REASONS.has(e.reason))
}

export interface RetryOptions {
  /** Further attempts after the first (default 3). */
  readonly retries: number
  /** Wait before the first retry, doubled for each next one (default 1000). */
  readonly delayMs: number
}

/**
 * Runs `attempt` again after a retryable job error, waiting `delayMs`, 2×, 4×, … between attempts.
 * A failed job changed nothing (BigQuery jobs are atomic), so DML is safe to run again. An abort of
 * `signal` stops the waiting.
 */
export async function withJobRetries<T>(
  attempt: () => Promise<T>,
  { retries, delayMs }: RetryOptions,
  signal?: AbortSignal,
): Promise<T> {
  for (let tried = 0; ; tried++) {
    try {
      return await attempt()
    } catch (error) {
      if (tried >= retries || !isRetryableJobError(error) || signal?.aborted) throw error
      await sleep(delayMs * 2 ** tried, signal)
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms)
    function onAbort() {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    function done() {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
