import type { AggregateReader, HourlyAggregate } from '../ports.js';

/**
 * Reads several hour buckets through an {@link AggregateReader}, at most `concurrency` hours at a
 * time (default 6), and returns every aggregate, hours in the given order. One `listHour` per hour:
 * a daily digest makes 24 reads for its window and 24 for the comparison window.
 */
export async function listHours(reader: AggregateReader, hours: readonly string[], concurrency = 6): Promise<HourlyAggregate[]> {
  const results: HourlyAggregate[][] = new Array<HourlyAggregate[]>(hours.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < hours.length) {
      const index = next;
      next += 1;
      results[index] = await reader.listHour(hours[index] as string);
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, hours.length)) }, worker));
  return results.flat();
}
