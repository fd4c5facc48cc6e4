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

/** Items held back before they are posted (a task's end posts them anyway). */
const POST_AFTER_ITEMS = 256;

/** Main → worker: a task is a few consecutive files (see analyze-parallel.ts). */
export type ToWorker = { type: 'task'; seq: number; inputs: Array<Extract<CloudTrailInput, { kind: 'read' }>> } | { type: 'ack' } | { type: 'stop' };

/** Worker → main: items of a task's files in order; `last` on the task's final batch. */
export type FromWorker = { type: 'batch'; seq: number; items: unknown[]; last: boolean };

const port = parentPort;
if (port !== null) {
  let outstanding = 0;
  let wake: (() => void) | null = null;
  const tasks: Array<Extract<ToWorker, { type: 'task' }>> = [];
  let running = false;

  const post = async (seq: number, items: AnalyzeItem[], last: boolean): Promise<void> => {
    port.postMessage({ type: 'batch', seq, items, last } satisfies FromWorker);
    outstanding++;
    while (outstanding >= IN_FLIGHT) await new Promise<void>((done) => (wake = done));
  };

  const run = async (): Promise<void> => {
    running = true;
    while (tasks.length > 0) {
      const task = tasks.shift()!;
      // One message per task of small files (their records and `file` items), not one per chunk.
      let held: AnalyzeItem[] = [];
      for (const input of task.inputs) {
        for await (const items of classifiedBatches(input)) {
          held = held.length === 0 ? items : held.concat(items);
          if (held.length < POST_AFTER_ITEMS) continue;
          await post(task.seq, held, false);
          held = [];
        }
      }
      await post(task.seq, held, true);
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
