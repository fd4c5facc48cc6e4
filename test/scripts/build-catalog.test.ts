import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildCatalogCommand } from '../../scripts/build-catalog.js';
import { createProfileCatalog, type CatalogData } from '../../shared/core/classify/profile-catalog.js';
import { ROOT } from '../helpers/load-event.js';

const run = promisify(execFile);

/** Two profiles in the snapshot's shape, with the routes the Bedrock User Guide lists for them. */
const SNAPSHOT = {
  _meta: { source: "Snapshot of AWS Bedrock User Guide 'Supported Regions and models for inference profiles'" },
  profiles: [
    {
      profileId: 'apac.anthropic.claude-3-haiku-20240307-v1:0',
      sourceToDestinations: { 'ap-northeast-1': ['ap-northeast-1', 'ap-northeast-2', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2'] },
    },
    { profileId: 'global.amazon.nova-2-lite-v1:0', sourceToDestinations: { 'ap-northeast-1': ['COMMERCIAL_REGIONS(+source)'] } },
  ],
};

function captured(): { io: { stdout: (text: string) => void; stderr: (text: string) => void }; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (text) => out.push(text), stderr: (text) => err.push(text) }, out, err };
}

describe('npm run catalog:build', () => {
  it('in a clone without ../shared, exits 2 naming the missing snapshot and how to pass one', async () => {
    // Prepare: a directory whose parent has no shared/ folder, as a fresh clone would be
    const clone = join(mkdtempSync(join(tmpdir(), 'fresh-')), 'cris-auditor');
    mkdirSync(clone);
    const tsx = pathToFileURL(require.resolve('tsx', { paths: [ROOT] })).href;

    // Act
    const result = await run(process.execPath, ['--import', tsx, join(ROOT, 'scripts', 'build-catalog.ts')], { cwd: clone }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${join(clone, '..', 'shared', 'data', 'inference-profiles.json')} does not exist`);
    expect(result.stderr).toContain('npm run catalog:build -- FILE');
    expect(existsSync(join(clone, 'shared'))).toBe(false);
  });

  it('builds the catalog from a snapshot given as an argument', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'catalog-build-'));
    writeFileSync(join(dir, 'snapshot.json'), JSON.stringify(SNAPSHOT));
    const { io, out, err } = captured();

    // Act
    const code = buildCatalogCommand([join(dir, 'snapshot.json'), '--out', join(dir, 'catalog.json')], io);

    // Assess
    expect({ code, err }).toEqual({ code: 0, err: [] });
    expect(out.join('')).toBe(`wrote ${join(dir, 'catalog.json')}: 2 profiles, 1 destination lists\n`);
    const catalog = createProfileCatalog(JSON.parse(readFileSync(join(dir, 'catalog.json'), 'utf8')) as CatalogData);
    expect(catalog.destinations('apac.anthropic.claude-3-haiku-20240307-v1:0', 'ap-northeast-1')).toEqual({
      regions: ['ap-northeast-1', 'ap-northeast-2', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2'],
      source: 'catalog',
    });
  });

  it.each([
    { name: 'not JSON', text: '{"profiles": [', reason: /cannot read .* as JSON/ },
    { name: 'a list', text: '[]', reason: /not an inference-profile snapshot: it is not a JSON object\. Nothing was written\./ },
    { name: 'without profiles', text: '{"_meta": {"source": "x"}}', reason: /it has no profiles list/ },
    {
      name: 'destinations that are not a list',
      text: JSON.stringify({ _meta: { source: 'x' }, profiles: [{ profileId: 'us.x', sourceToDestinations: { 'us-east-1': 'us-west-2' } }] }),
      reason: /profiles\[0\] \(us\.x\) source us-east-1: the destinations are not a list of Region names/,
    },
  ])('refuses an input that is $name with exit 2 and leaves the catalog as it was', ({ text, reason }) => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'catalog-bad-'));
    writeFileSync(join(dir, 'snapshot.json'), text);
    writeFileSync(join(dir, 'catalog.json'), 'previous');
    const { io, err } = captured();

    // Act
    const code = buildCatalogCommand([join(dir, 'snapshot.json'), '--out', join(dir, 'catalog.json')], io);

    // Assess
    expect(code).toBe(2);
    expect(err.join('')).toMatch(reason);
    expect(readFileSync(join(dir, 'catalog.json'), 'utf8')).toBe('previous');
  });

  it('refuses an unknown option with the usage', () => {
    const { io, err } = captured();
    expect(buildCatalogCommand(['--output', 'x'], io)).toBe(2);
    expect(err.join('')).toContain('usage: npm run catalog:build [-- path/to/inference-profiles.json] [--out FILE]');
  });
});
