import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/**
 * Headless Debian `chromium` driven over the DevTools protocol on a pipe (`--remote-debugging-pipe`:
 * commands on fd 3, replies and events on fd 4, each message NUL-terminated), so tests load a page,
 * click it with real mouse events and take screenshots without any npm browser package.
 * @see https://chromedevtools.github.io/devtools-protocol/
 */

/** Path of the chromium binary, or null when it is not installed (`.ci/run` installs it). */
export function findChromium(): string | null {
  for (const name of ['chromium', 'chromium-browser']) {
    const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim() !== '') return found.stdout.trim();
  }
  return null;
}

/** A page in a running browser. */
export interface BrowserPage {
  /** Evaluates an expression in the page; resolves to its JSON value. */
  evaluate<T>(expression: string): Promise<T>;
  /** Clicks at page coordinates with real mouse events (move, press, release). */
  click(x: number, y: number): Promise<void>;
  /** PNG screenshot of the viewport. */
  screenshot(): Promise<Buffer>;
  close(): Promise<void>;
}

interface Pending {
  resolve: (value: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

/** Starts chromium headless and opens `url` in a viewport of `width` × `height`; resolves when it has loaded. */
export async function openPage(binary: string, url: string, viewport = { width: 1400, height: 900 }): Promise<BrowserPage> {
  const profile = mkdtempSync(join(tmpdir(), 'chromium-'));
  const child: ChildProcess = spawn(
    binary,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      `--user-data-dir=${profile}`,
      '--remote-debugging-pipe',
      'about:blank',
    ],
    // Its own process group, so close() can stop the renderer, zygote and crashpad helpers too: they
    // outlive the browser process and keep writing into the profile directory.
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], detached: true },
  );
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const input = child.stdio[3] as Writable;
  const output = child.stdio[4] as Readable;
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const pending = new Map<number, Pending>();
  const events: { method: string; sessionId?: string }[] = [];
  const waiters: { method: string; resolve: () => void }[] = [];
  let buffer = '';
  output.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let end = buffer.indexOf('\u0000');
    while (end >= 0) {
      const message = JSON.parse(buffer.slice(0, end)) as { id?: number; result?: Record<string, unknown>; error?: { message: string }; method?: string; sessionId?: string };
      buffer = buffer.slice(end + 1);
      end = buffer.indexOf('\u0000');
      if (message.id !== undefined) {
        const waiting = pending.get(message.id);
        pending.delete(message.id);
        if (message.error !== undefined) waiting?.reject(new Error(message.error.message));
        else waiting?.resolve(message.result ?? {});
      } else if (message.method !== undefined) {
        events.push({ method: message.method, ...(message.sessionId === undefined ? {} : { sessionId: message.sessionId }) });
        for (const waiter of waiters.filter((w) => w.method === message.method)) waiter.resolve();
      }
    }
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code) => reject(new Error(`chromium exited (${code}): ${stderr}`)));
  });
  let nextId = 0;
  const send = (method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> => {
    nextId += 1;
    const id = nextId;
    const reply = new Promise<Record<string, unknown>>((resolve, reject) => pending.set(id, { resolve, reject }));
    input.write(`${JSON.stringify({ id, method, params, ...(sessionId === undefined ? {} : { sessionId }) })}\u0000`);
    return Promise.race([reply, exited]);
  };
  const waitFor = (method: string): Promise<void> =>
    events.some((e) => e.method === method) ? Promise.resolve() : Promise.race([new Promise<void>((resolve) => waiters.push({ method, resolve })), exited]);

  const { targetId } = (await send('Target.createTarget', { url: 'about:blank' })) as { targetId: string };
  const { sessionId } = (await send('Target.attachToTarget', { targetId, flatten: true })) as { sessionId: string };
  await send('Page.enable', {}, sessionId);
  await send('Emulation.setDeviceMetricsOverride', { width: viewport.width, height: viewport.height, deviceScaleFactor: 1, mobile: false }, sessionId);
  const loaded = waitFor('Page.loadEventFired');
  await send('Page.navigate', { url }, sessionId);
  await loaded;

  return {
    async evaluate<T>(expression: string): Promise<T> {
      const result = (await send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }, sessionId)) as { result: { value: T }; exceptionDetails?: { text: string } };
      if (result.exceptionDetails !== undefined) throw new Error(`page threw: ${result.exceptionDetails.text}`);
      return result.result.value;
    },
    async click(x, y) {
      await send('Input.dispatchMouseEvent', { type: 'mouseMoved', x, y }, sessionId);
      await send('Input.dispatchMouseEvent', { type: 'mousePressed', x, y, button: 'left', clickCount: 1 }, sessionId);
      await send('Input.dispatchMouseEvent', { type: 'mouseReleased', x, y, button: 'left', clickCount: 1 }, sessionId);
    },
    async screenshot() {
      const { data } = (await send('Page.captureScreenshot', { format: 'png' }, sessionId)) as { data: string };
      return Buffer.from(data, 'base64');
    },
    async close() {
      try {
        await Promise.race([send('Browser.close'), new Promise((resolve) => setTimeout(resolve, 2000))]);
      } catch {
        // Already gone.
      }
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 2000))]);
      killGroup(child);
      await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 2000))]);
      await removeProfile(profile);
    },
  };
}

/** SIGKILLs every process of the browser's group; a group already gone is fine. */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // ESRCH: nothing left in the group.
  }
}

/**
 * Removes the throwaway profile. A helper that was still flushing may recreate a file while the tree is
 * being removed (ENOTEMPTY), so it retries for a few seconds; a temp directory left behind after that is
 * reported on stderr, never a test failure: it says nothing about the page under test.
 */
async function removeProfile(profile: string): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await rm(profile, { recursive: true, force: true });
      return;
    } catch (error) {
      if (attempt >= 20) {
        process.stderr.write(`chromium helper: left ${profile} behind (${(error as Error).message})\n`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
