/**
 * `cris-audit preflight`: before anyone is denied, which targets a cross-Region inference profile
 * would break, in which destination Region, because of which statement, and the fix.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { readScpFiles } from '../shared/adapters/scp-files.js';
import bundledData from '../shared/core/classify/profile-catalog-data.json';
import { loadBundledCatalog, type CatalogData } from '../shared/core/classify/profile-catalog.js';
import { LANGUAGES } from '../shared/core/constants.js';
import {
  approvedRegions,
  buildMatrix,
  catalogRoutes,
  parseOrgSnapshot,
  PREFLIGHT_MESSAGES,
  renderPreflightHtml,
  renderPreflightText,
  runPreflight,
  serializePreflightRow,
  snapshotTargets,
  type OrgSnapshot,
  type PreflightTarget,
} from '../shared/core/preflight/index.js';
import { isRegionCode } from '../shared/core/regions.js';
import type { Language } from '../shared/core/types.js';
import { CLI_MESSAGES } from './messages.js';
import { palette, safe, useColour } from './terminal.js';

export const PREFLIGHT_USAGE = `usage: cris-audit preflight [--json | --html FILE] [--scp FILE]... [--org SNAPSHOT] [--profile ID]...
                           [--source-region R]... [--lang en|ja]

For each target — the SCP chain given with --scp, or every account and OU of an organization
snapshot (--org, written by \`cris-audit org snapshot\`) — and each inference profile and source
Region, evaluates the call through the profile in every destination Region (and the profile call in
the source Region itself) and says ready, or blocked: where, by which statement, and the fix.

  --scp FILE          an SCP in force (repeat in root → account order, or one file of levels)
  --org SNAPSHOT      an organization snapshot (JSON); every OU and active account is a target
  --profile ID        a system inference profile ID (repeat); default: every profile of the
                      bundled catalog available from the source Regions
  --source-region R   a Region callers call from (repeat); default: the Regions the SCPs approve
  --json              one row per (target, profile, source Region) as NDJSON on stdout
  --html FILE         write one self-contained HTML page: matrix, filters, per-cell detail
  --lang L            en (default, or $LOCALE) or ja
  -h, --help          this text

Exit code 0 when the check ran (blocked rows included), 2 when an input could not be read, 64 on a
usage error.`;

interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

function usageError(io: Io, text: string): number {
  io.stderr.write(`cris-audit preflight: ${text}\n\n${PREFLIGHT_USAGE}\n`);
  return 64;
}

/** Reads and validates an organization snapshot file (`cris-audit org snapshot --out FILE`); a bad file is a reason naming it. */
export async function readOrgSnapshotFile(path: string): Promise<{ ok: true; value: OrgSnapshot } | { ok: false; reason: string }> {
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, reason: `${path}: ${code === 'ENOENT' ? 'no such file' : (code ?? String(error))}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { ok: false, reason: `${path}: not JSON (${(error as Error).message})` };
  }
  const snapshot = parseOrgSnapshot(parsed);
  if (!snapshot.ok) return { ok: false, reason: `${path}: ${snapshot.reason}` };
  return { ok: true, value: snapshot.value };
}

async function readSnapshot(path: string): Promise<{ ok: true; targets: PreflightTarget[] } | { ok: false; reason: string }> {
  const snapshot = await readOrgSnapshotFile(path);
  return snapshot.ok ? { ok: true, targets: snapshotTargets(snapshot.value) } : snapshot;
}

/** Runs `preflight`; returns the process exit code. */
export async function runPreflightCommand(argv: string[], io: Io = process): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        json: { type: 'boolean', default: false },
        html: { type: 'string' },
        scp: { type: 'string', multiple: true },
        org: { type: 'string' },
        profile: { type: 'string', multiple: true },
        'source-region': { type: 'string', multiple: true },
        lang: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return usageError(io, (error as Error).message);
  }
  const values = parsed.values;
  if (values.help) {
    io.stdout.write(`${PREFLIGHT_USAGE}\n`);
    return 0;
  }
  if (values.json && values.html !== undefined) return usageError(io, '--json and --html are exclusive: choose one output');
  if ((values.scp === undefined) === (values.org === undefined)) {
    return usageError(io, values.org === undefined ? 'give the SCPs to check: --scp FILE... or --org SNAPSHOT' : '--scp and --org are exclusive');
  }
  const lang = values.lang ?? process.env.LOCALE ?? 'en';
  if (!(LANGUAGES as readonly string[]).includes(lang)) return usageError(io, `--lang must be one of ${LANGUAGES.join(', ')}, not "${safe(lang)}"`);
  const badRegion = (values['source-region'] ?? []).find((region) => !isRegionCode(region));
  if (badRegion !== undefined) return usageError(io, `--source-region: "${safe(badRegion)}" is not a Region code (like ap-northeast-1)`);

  const data = bundledData as CatalogData;
  const catalog = loadBundledCatalog();
  const profiles = values.profile ?? [];
  const unknownProfile = profiles.find((profile) => data.profiles[profile] === undefined);
  if (unknownProfile !== undefined) {
    return usageError(io, `--profile: "${safe(unknownProfile)}" is not a system inference profile of the bundled catalog (${catalog.size} profiles; \`npm run catalog:refresh\` updates it)`);
  }

  let targets: PreflightTarget[];
  if (values.org !== undefined) {
    const loaded = await readSnapshot(values.org);
    if (!loaded.ok) {
      io.stderr.write(`cris-audit preflight: --org: ${safe(loaded.reason)}\n`);
      return 2;
    }
    targets = loaded.targets;
  } else {
    const loaded = await readScpFiles(values.scp ?? []);
    if (!loaded.ok) {
      io.stderr.write(`cris-audit preflight: --scp: ${safe(loaded.reason)}\n`);
      return 2;
    }
    targets = [{ id: 'supplied', name: null, kind: 'supplied', path: [], levels: loaded.value }];
  }

  let sources = values['source-region'] ?? [];
  if (sources.length === 0) {
    const approved = new Set<string>();
    for (const target of targets) for (const region of approvedRegions(target.levels, data.commercialRegions)) approved.add(region);
    sources = data.commercialRegions.filter((region) => approved.has(region));
    io.stderr.write(`${CLI_MESSAGES[lang as Language].approvedSources({ regions: sources.join(', ') })}\n`);
  }
  const routes = catalogRoutes(data, sources, profiles);
  // --json streams each row as it is made; the matrix and the page need them all.
  const onRow = values.json ? (row: Parameters<typeof serializePreflightRow>[0]) => void io.stdout.write(`${serializePreflightRow(row)}\n`) : undefined;
  const result = runPreflight({ targets, routes, catalog, lang: lang as Language, ...(onRow === undefined ? {} : { onRow }) });
  const m = PREFLIGHT_MESSAGES[lang as Language];
  if (result.unknownRoutes.length > 0) {
    io.stderr.write(`${safe(m.unknownRoutes(result.unknownRoutes.length, result.unknownRoutes.map((r) => `${r.profile}@${r.sourceRegion}`).join(', ')))}\n`);
  }
  const matrix = buildMatrix(targets, result.rows);
  if (values.html !== undefined) {
    try {
      await writeFile(values.html, renderPreflightHtml(matrix, result.stats, { lang: lang as Language, targets }));
    } catch (error) {
      io.stderr.write(`cris-audit preflight: --html ${safe(values.html)}: ${safe((error as NodeJS.ErrnoException).code ?? String(error))}\n`);
      return 2;
    }
    io.stdout.write(`${CLI_MESSAGES[lang as Language].wrote({ file: safe(values.html) })}\n`);
  } else if (!values.json) {
    io.stdout.write(renderPreflightText(matrix, result.stats, { lang: lang as Language, colour: palette(useColour(io.stdout)) }));
  }
  if (values.json || values.html !== undefined) {
    const s = result.stats;
    io.stderr.write(`${safe(m.summary({ rows: s.rows, ready: s.rows - s.blocked, blocked: s.blocked, targets: s.targets, chains: s.chains, profiles: new Set(routes.map((r) => r.profile)).size, regions: sources.length, evaluations: s.evaluations, fixes: s.fixes }))}\n`);
  }
  return 0;
}
