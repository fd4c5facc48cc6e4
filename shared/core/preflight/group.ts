/**
 * Preflight rows grouped the way people read them: one column per distinct SCP chain (targets
 * with the same SCPs answer the same), one line per (profile, source Region).
 */
import type { PreflightRow, PreflightTarget } from './types.js';
import { chainKey } from './chain.js';

/** A column of the matrix: the targets sharing one SCP chain. */
export interface ChainColumn {
  /** `A`, `B`, … `Z`, `AA`, … in order of first appearance. */
  label: string;
  key: string;
  targets: { id: string; name: string | null; kind: PreflightTarget['kind'] }[];
}

/** The matrix: columns, routes and the row of every (route, column). */
export interface PreflightMatrix {
  columns: ChainColumn[];
  routes: { profile: string; sourceRegion: string }[];
  /** `cells[route][column]`: the row of the column's first target. */
  cells: PreflightRow[][];
}

/** Spreadsheet-style column label of a 0-based index. */
export function columnLabel(index: number): string {
  let label = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) label = String.fromCharCode(65 + ((n - 1) % 26)) + label;
  return label;
}

/** Groups rows by chain. `targets` must be those the rows were computed for, in the same order. */
export function buildMatrix(targets: readonly PreflightTarget[], rows: readonly PreflightRow[]): PreflightMatrix {
  const columns: ChainColumn[] = [];
  const byKey = new Map<string, ChainColumn>();
  const columnOfTarget = new Map<string, ChainColumn>();
  for (const target of targets) {
    const key = chainKey(target.levels);
    let column = byKey.get(key);
    if (column === undefined) {
      column = { label: columnLabel(columns.length), key, targets: [] };
      byKey.set(key, column);
      columns.push(column);
    }
    column.targets.push({ id: target.id, name: target.name, kind: target.kind });
    columnOfTarget.set(target.id, column);
  }
  const routeIndex = new Map<string, number>();
  const routes: PreflightMatrix['routes'] = [];
  const cells: PreflightRow[][] = [];
  for (const row of rows) {
    const key = `${row.profile}\u0000${row.sourceRegion}`;
    let index = routeIndex.get(key);
    if (index === undefined) {
      index = routes.length;
      routeIndex.set(key, index);
      routes.push({ profile: row.profile, sourceRegion: row.sourceRegion });
      cells.push([]);
    }
    const column = columnOfTarget.get(row.target);
    if (column === undefined) continue;
    const at = columns.indexOf(column);
    const line = cells[index] as PreflightRow[];
    line[at] ??= row;
  }
  return { columns, routes, cells };
}
