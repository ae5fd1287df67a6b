/**
 * The one reader of PowerSchool's results envelope, {"results":{"result":[{"status":"SUCCESS"} |
 * {"status":"ERROR","error_message":...}]}}, used for batch_daily_time's per-record answers and
 * for a refusal reported inside a 200. Inferred: the attendance endpoints' 200 bodies are not
 * public; this follows the v1 results envelope, whose error_message comes as a string, as
 * {"error_description":..} or as {"error":[{"error_description":..}]} (one item: an object).
 */
import { asArray } from './answers.ts';

/** One record's outcome: saved, or refused with PowerSchool's words. */
export type RecordResult = { saved: true } | { saved: false; message: string };

/** The results of the envelope, in order; empty when the body has none. */
export function readResults(body: unknown): RecordResult[] {
  const results = (body as { results?: { result?: unknown } } | undefined)?.results;
  return asArray(results?.result).map(readResult);
}

/** One result item; anything without status SUCCESS counts as not saved. */
export function readResult(item: unknown): RecordResult {
  const result = item as { status?: unknown; error_message?: unknown } | undefined;
  if (typeof result?.status === 'string' && result.status.toUpperCase() === 'SUCCESS')
    return { saved: true };
  const message = describeErrorMessage(result?.error_message);
  const status = typeof result?.status === 'string' ? result.status : undefined;
  return { saved: false, message: message ?? status ?? 'no result for this record' };
}

function describeErrorMessage(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return undefined;
  const own = (value as { error_description?: unknown }).error_description;
  if (typeof own === 'string') return own;
  const texts = asArray((value as { error?: unknown }).error)
    .map((error) => (error as { error_description?: unknown } | null)?.error_description)
    .filter((text): text is string => typeof text === 'string');
  return texts.length > 0 ? texts.join(' ') : undefined;
}
