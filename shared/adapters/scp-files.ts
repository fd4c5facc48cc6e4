import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Result, ScpDocument } from '../core/types.js';

/**
 * Reads SCP documents from local JSON files (`cris-audit analyze --scp FILE...`).
 *
 * - Every file holds one SCP (a policy document with `Statement`): the files form one level, in the
 *   order given (the common case: the SCPs that apply to the account, as exported).
 * - Or a single file holds the levels itself: a JSON array, root first, whose items are a policy
 *   document (one SCP at that level) or an array of policy documents.
 * The text of single-policy files is kept exactly, so the fix diff touches only what changes.
 * @see https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html
 */

/** Files larger than this are refused (an SCP is at most 5,120 characters; exports stay small). */
const MAX_FILE_BYTES = 1024 * 1024;

function isPolicy(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'Statement' in value;
}

async function readText(path: string): Promise<Result<string>> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return { ok: false, reason: `${path}: not a file` };
    if (info.size > MAX_FILE_BYTES) return { ok: false, reason: `${path}: ${info.size} bytes, larger than an SCP file can be` };
    return { ok: true, value: (await readFile(path, 'utf8')).replace(/^\uFEFF/, '') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, reason: `${path}: ${code === 'ENOENT' ? 'no such file' : code ?? String(error)}` };
  }
}

function levelsFrom(path: string, items: unknown[]): Result<ScpDocument[][]> {
  const name = basename(path);
  const levels: ScpDocument[][] = [];
  for (const [levelIndex, item] of items.entries()) {
    const policies = Array.isArray(item) ? item : [item];
    const level: ScpDocument[] = [];
    for (const [policyIndex, policy] of policies.entries()) {
      if (!isPolicy(policy)) {
        return { ok: false, reason: `${path}: level ${levelIndex}, item ${policyIndex} is not an SCP (no "Statement")` };
      }
      level.push({
        id: `${path}#${levelIndex}.${policyIndex}`,
        name: `${name} level ${levelIndex} #${policyIndex}`,
        content: `${JSON.stringify(policy, null, 2)}\n`,
      });
    }
    levels.push(level);
  }
  return { ok: true, value: levels };
}

/**
 * Reads SCP files into levels (root → account). Expected failures (missing file, bad JSON, not an
 * SCP, levels mixed with single policies) are values whose reason names the file.
 */
export async function readScpFiles(paths: readonly string[]): Promise<Result<ScpDocument[][]>> {
  if (paths.length === 0) return { ok: false, reason: 'no SCP files given' };
  const files: { path: string; text: string; parsed: unknown }[] = [];
  for (const path of paths) {
    const text = await readText(path);
    if (!text.ok) return text;
    try {
      files.push({ path, text: text.value, parsed: JSON.parse(text.value) as unknown });
    } catch (error) {
      return { ok: false, reason: `${path}: not JSON (${error instanceof Error ? error.message : String(error)})` };
    }
  }
  const withLevels = files.filter((file) => Array.isArray(file.parsed));
  if (withLevels.length > 0) {
    const [only] = withLevels;
    if (files.length > 1 || only === undefined) {
      return { ok: false, reason: `${withLevels[0]?.path ?? ''}: a file holding levels must be the only --scp file` };
    }
    return levelsFrom(only.path, only.parsed as unknown[]);
  }
  const level: ScpDocument[] = [];
  for (const file of files) {
    if (!isPolicy(file.parsed)) return { ok: false, reason: `${file.path}: not an SCP (no "Statement")` };
    level.push({ id: file.path, name: basename(file.path), content: file.text });
  }
  return { ok: true, value: [level] };
}
