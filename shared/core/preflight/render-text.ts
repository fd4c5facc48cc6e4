/**
 * The readable matrix of `cris-audit preflight`: one block per source Region, a line per profile,
 * a column per distinct SCP chain (✓ ready, ✗ and the denied Regions), the legend of columns with
 * what denies and the fix, and the summary line. Every value is neutralised for the terminal.
 */
import { aside } from '../render/punctuation.js';
import { neutralizeText } from '../text-safety.js';
import type { Language } from '../types.js';
import type { PreflightMatrix } from './group.js';
import { PREFLIGHT_MESSAGES } from './messages.js';
import type { DeniedBy, PreflightRow, PreflightStats } from './types.js';

/** Options of {@link renderPreflightText}. */
export interface RenderPreflightTextOptions {
  lang: Language;
  /** Colour wrappers (identity when colour is off). */
  colour?: { red: (s: string) => string; green: (s: string) => string; dim: (s: string) => string; bold: (s: string) => string };
  /** Chain columns per table before wrapping (default 6). */
  columnsPerTable?: number;
  /** Targets named per column in the legend before "+N more" (default 5). */
  namesPerColumn?: number;
}

const PROFILE = 54;

function safe(value: string | null | undefined): string {
  return neutralizeText(value ?? '');
}

function fit(value: string, width: number): string {
  const chars = [...value];
  if (chars.length <= width) return value + ' '.repeat(width - chars.length);
  return `${chars.slice(0, width - 1).join('')}…`;
}

/** The cell text: `✓`, or `✗` with the denied Regions (`source` when the profile call itself is denied). */
export function cellText(row: PreflightRow | undefined, sourceLabel = 'source'): string {
  if (row === undefined) return '-';
  if (row.status === 'ready') return '✓';
  const denied = row.sourceCallDenied ? [sourceLabel, ...row.deniedDestinations] : row.deniedDestinations;
  return `✗ ${denied.join(',')}`;
}

function denierText(denier: DeniedBy, lang: Language): string {
  const m = PREFLIGHT_MESSAGES[lang];
  if (denier.policyId === null) return `${m.implicitDeny}${aside(`${m.level} ${denier.level}`, lang)}`;
  const sid = denier.sid === null ? '' : ` "${denier.sid}"`;
  const name = denier.policyName !== null && denier.policyName !== denier.policyId ? ` ${denier.policyName}` : '';
  return `${denier.policyId}${name}${sid}${aside(`${m.level} ${denier.level}`, lang)}`;
}

/** Renders the matrix, the legend and the summary line. Contract: pure; ends with a newline. */
export function renderPreflightText(matrix: PreflightMatrix, stats: PreflightStats, options: RenderPreflightTextOptions): string {
  const m = PREFLIGHT_MESSAGES[options.lang];
  const c = options.colour ?? { red: (s: string) => s, green: (s: string) => s, dim: (s: string) => s, bold: (s: string) => s };
  const perTable = Math.max(1, options.columnsPerTable ?? 6);
  const out: string[] = [c.bold(m.title), ''];
  if (matrix.routes.length === 0) out.push(m.nothing, '');
  const regions = [...new Set(matrix.routes.map((r) => r.sourceRegion))];
  for (let start = 0; start < matrix.columns.length && matrix.routes.length > 0; start += perTable) {
    const columns = matrix.columns.slice(start, start + perTable);
    // One column can take the whole line; several share it.
    const widest = Math.max(1, ...matrix.cells.flatMap((line) => columns.map((_, o) => [...cellText(line[start + o], m.sourceDenied)].length)));
    const CELL = Math.max(3, Math.min(widest, columns.length === 1 ? 120 : 34));
    for (const region of regions) {
      out.push(c.bold(`${m.source} ${safe(region)}`));
      out.push(`  ${fit(m.profile, PROFILE)}  ${columns.map((col) => fit(col.label, CELL)).join('  ')}`.trimEnd());
      matrix.routes.forEach((route, index) => {
        if (route.sourceRegion !== region) return;
        const line = matrix.cells[index] ?? [];
        const cells = columns.map((_, offset) => {
          const row = line[start + offset];
          const textValue = fit(safe(cellText(row, m.sourceDenied)), CELL);
          return row?.status === 'blocked' ? c.red(textValue) : row?.status === 'ready' ? c.green(textValue) : textValue;
        });
        out.push(`  ${fit(safe(route.profile), PROFILE)}  ${cells.join('  ')}`.trimEnd());
      });
      out.push('');
    }
  }
  out.push(c.bold(m.columns));
  const names = Math.max(1, options.namesPerColumn ?? 5);
  matrix.columns.forEach((column, columnIndex) => {
    const accounts = column.targets.filter((t) => t.kind === 'account').length;
    const ous = column.targets.filter((t) => t.kind === 'ou').length;
    const counts = column.targets.some((t) => t.kind === 'supplied') ? m.supplied : `${accounts} ${m.accounts}, ${ous} ${m.ous}`;
    const shown = column.targets
      .filter((t) => t.kind !== 'supplied')
      .slice(0, names)
      .map((t) => (t.name === null ? t.id : `${t.id} ${t.name}`));
    const more = column.targets.length - shown.length - (column.targets.some((t) => t.kind === 'supplied') ? 1 : 0);
    const list = shown.length === 0 ? '' : `: ${shown.join(', ')}${more > 0 ? `, +${more}` : ''}`;
    out.push(`  ${column.label}  ${safe(`${counts}${list}`)}`);
    const deniers = new Map<string, string>();
    const fixes = new Map<string, number>();
    for (const line of matrix.cells) {
      const row = line[columnIndex];
      if (row === undefined || row.status !== 'blocked') continue;
      for (const denier of row.deniedBy) deniers.set(denierText(denier, options.lang), '');
      const status = m.verificationLabels[row.fix?.verification as 'verified'] ?? row.fix?.verification;
      const fixLabel = row.fix === null ? m.noFix : row.fix.option === null ? `${m.noFix} [${status}]` : `${row.fix.title ?? row.fix.option} [${status}]`;
      fixes.set(fixLabel, (fixes.get(fixLabel) ?? 0) + 1);
    }
    if (deniers.size > 0) out.push(`     ${m.deniedBy}: ${safe([...deniers.keys()].join('; '))}`);
    for (const [label, count] of fixes) out.push(`     ${m.fix}: ${safe(label)}${count > 1 ? ` ×${count}` : ''}`);
  });
  out.push('');
  const profiles = new Set(matrix.routes.map((r) => r.profile)).size;
  out.push(
    m.summary({
      rows: stats.rows,
      ready: stats.rows - stats.blocked,
      blocked: stats.blocked,
      targets: stats.targets,
      chains: stats.chains,
      profiles,
      regions: regions.length,
      evaluations: stats.evaluations,
      fixes: stats.fixes,
    }),
  );
  return `${out.join('\n')}\n`;
}
