/**
 * Worker thread of `analyze`: reads and classifies the files the main thread hands it, and posts
 * each chunk's items back. At most {@link IN_FLIGHT} batches wait unacknowledged, so a worker
 * ahead of the file being printed stops instead of filling memory.
 */
import { parentPort } from 'node:worker_threads';
import { classifiedBatches, type AnalyzeItem } from './analyze-items.js';
import type { CloudTrailInput } from '../shared/adapters/cloudtrail-files.js';

/** Batches a worker may post before the main thread acknowledges one. */
export const IN_FLIGHT = 4;

/** Items of one file held back before they are posted (the file's end posts them anyway). */
const POST_AFTER_ITEMS = 256;

/** Main → worker. */
export type ToWorker = { type: 'task'; seq: number; input: Extract<CloudTrailInput, { kind: 'read' }> } | { type: 'ack' } | { type: 'stop' };

/** Worker → main. */
export type FromWorker = { type: 'batch'; seq: number; items: unknown[]; last: boolean };

const port = parentPort;
if (port !== null) {
  let outstanding = 0;
  let wake: (() => void) | null = null;
  const tasks: Array<Extract<ToWorker, { type: 'task' }>> = [];
  let running = false;

  const run = async (): Promise<void> => {
    running = true;
    while (tasks.length > 0) {
      const task = tasks.shift()!;
      let held: AnalyzeItem[] = [];
      for await (const items of classifiedBatches(task.input)) {
        const last = items.length > 0 && items[items.length - 1]!.kind === 'file';
        held = held.length === 0 ? items : held.concat(items);
        // One message per small file (its records, then its `file` item), not one per chunk.
        if (!last && held.length < POST_AFTER_ITEMS) continue;
        port.postMessage({ type: 'batch', seq: task.seq, items: held, last } satisfies FromWorker);
        held = [];
        outstanding++;
        while (outstanding >= IN_FLIGHT) await new Promise<void>((done) => (wake = done));
      }
    }
    running = false;
  };

  port.on('message', (message: ToWorker) => {
    if (message.type === 'ack') {
      outstanding--;
      const resume = wake;
      wake = null;
      resume?.();
    } else if (message.type === 'task') {
      tasks.push(message);
      if (!running) void run();
    } else {
      port.close();
    }
  });
}
