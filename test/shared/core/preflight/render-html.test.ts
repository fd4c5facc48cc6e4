import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOrgSnapshot } from '../../../../shared/adapters/organizations-tree.js';
import { loadBundledCatalog } from '../../../../shared/core/classify/profile-catalog.js';
import { buildMatrix, renderPreflightHtml, runPreflight, scriptJson, snapshotTargets } from '../../../../shared/core/preflight/index.js';
import { japanOrganization } from '../../../fixtures/org/model.js';
import { findChromium, openPage } from '../../../helpers/chromium.js';
import { inspectHtml } from '../../../helpers/html-inspect.js';
import { startOrganizationsServer, type OrganizationsServer } from '../../../helpers/organizations-server.js';

const APAC = 'apac.anthropic.claude-sonnet-4-20250514-v1:0';
const JP = 'jp.anthropic.claude-sonnet-4-5-20250929-v1:0';
const HOSTILE = '<img src=x onerror="window.pwned=1">Japan-Strict';
let server: OrganizationsServer;
let html: string;

beforeAll(async () => {
  const model = japanOrganization();
  model.names = { ...model.names, 'ou-ab12-strict12': HOSTILE };
  server = await startOrganizationsServer(model, { pageSize: 20 });
  const client = new OrganizationsClient({ region: 'us-east-1', endpoint: server.endpoint, credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' } });
  const targets = snapshotTargets(await readOrgSnapshot({ client }));
  const routes = [APAC, JP].flatMap((profile) => ['ap-northeast-1', 'ap-northeast-3'].map((sourceRegion) => ({ profile, sourceRegion })));
  const result = runPreflight({ targets, routes, catalog: loadBundledCatalog(), lang: 'en' });
  html = renderPreflightHtml(buildMatrix(targets, result.rows), result.stats, { lang: 'en', targets });
});

afterAll(async () => {
  await server.close();
});

describe('renderPreflightHtml', () => {
  it('is one self-contained page: no external script, style, image or link', () => {
    const { tags } = inspectHtml(html);
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(tags.filter((tag) => 'src' in tag.attributes || 'href' in tag.attributes)).toEqual([]);
    expect(tags.map((tag) => tag.name).filter((name) => ['link', 'img', 'iframe', 'object', 'embed', 'a'].includes(name))).toEqual([]);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).toContain("default-src 'none'");
  });

  it('carries hostile names only inside the JSON data, with < escaped', () => {
    expect(inspectHtml(html).tags.map((tag) => tag.name)).not.toContain('img');
    expect(html).not.toContain('<img');
    expect(scriptJson({ name: '</script><b>' })).toBe('{"name":"\\u003c/script\\u003e\\u003cb\\u003e"}');
  });

  const chromium = findChromium();
  it.skipIf(chromium === null)('loads in headless Chromium, filters by OU and shows a cell’s denying statement and fix on click', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'preflight-html-'));
    const file = join(dir, 'preflight.html');
    writeFileSync(file, html);
    const page = await openPage(chromium as string, `file://${file}`);
    try {
      // Act
      const columns = await page.evaluate<number>("document.querySelectorAll('#matrix tr:first-child th').length - 2");
      const cell = await page.evaluate<{ x: number; y: number; text: string }>(
        "(() => { const td = document.querySelector('td.cell.blocked'); const r = td.getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2, text: td.textContent }; })()",
      );
      await page.click(cell.x, cell.y);
      const detail = await page.evaluate<string>("document.getElementById('detail').textContent");
      const selected = await page.evaluate<number>("document.querySelectorAll('td.selected').length");
      const screenshot = await page.screenshot();
      writeFileSync(join(dir, 'preflight.png'), screenshot);
      await page.evaluate<null>("(() => { const s = document.getElementById('filter-ou'); s.value = 'ou-ab12-cris1234'; s.dispatchEvent(new Event('change')); return null; })()");
      const filtered = await page.evaluate<number>("document.querySelectorAll('#matrix tr:first-child th').length - 2");
      const pwned = await page.evaluate<unknown>('window.pwned ?? null');

      // Assess
      // Root accounts share the Japan OU's chain; the CRIS and strict OUs differ from their accounts (one level fewer).
      expect(columns).toBe(5);
      expect(cell.text).toBe('✗ ap-northeast-2 +5');
      expect(selected).toBe(1);
      expect(detail).toContain(`${APAC} @ ap-northeast-1`);
      expect(detail).toContain('p-tokyodeny1 region-deny-tokyo-osaka-virginia "GRREGIONDENY" (level 2)');
      expect(detail).toMatch(/Recommended fix.*\[verification: verified\]/s);
      expect(detail).toContain(HOSTILE);
      expect(filtered).toBe(2);
      expect(pwned).toBeNull();
      expect(screenshot.subarray(1, 4).toString()).toBe('PNG');
      process.stdout.write(`preflight screenshot: ${join(dir, 'preflight.png')}\n`);
    } finally {
      await page.close();
    }
  }, 60_000);
});
