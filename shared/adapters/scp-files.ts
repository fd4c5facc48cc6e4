import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { parsePolicy } from '../core/scp/policy.js';
import type { Result, ScpDocument } from '../core/types.js';

/**
 * Reads SCP documents from local JSON files (`cris-audit analyze --scp FILE...`).
 *
 * - Every file holds one SCP (a policy document with `Statement`): the files form one level, in the
 *   order given (the common case: the SCPs that apply to the account, as exported).
 * - A file may also be the output of `aws organizations describe-policy` (`Policy.Content`): its
 *   ARN, name and description are kept (the description tells Control Tower policies apart).
 * - Every document is validated as the evaluator reads it (Statement a list or an object, Effect
 *   Allow or Deny, known condition operators, …): an invalid one is refused with the reason, rather
 *   than silently evaluating to "does not deny".
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

/**
 * The output of `aws organizations describe-policy`: `{ "Policy": { "PolicySummary": { Id, Arn,
 * Name, Description, Type, AwsManaged }, "Content": "<the policy JSON as a string>" } }`.
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribePolicy.html
 */
function describedPolicy(path: string, value: unknown): Result<ScpDocument> | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !('Policy' in value)) return null;
  const policy = (value as { Policy: unknown }).Policy;
  if (typeof policy !== 'object' || policy === null) return { ok: false, reason: `${path}: "Policy" is not an object (expected the output of aws organizations describe-policy)` };
  const { Content: content, PolicySummary: summary } = policy as { Content?: unknown; PolicySummary?: Record<string, unknown> };
  if (typeof content !== 'string') return { ok: false, reason: `${path}: Policy.Content is not a string (expected the output of aws organizations describe-policy)` };
  const type = summary?.['Type'];
  if (type !== undefined && type !== 'SERVICE_CONTROL_POLICY') return { ok: false, reason: `${path}: Policy.PolicySummary.Type is ${String(type)}, not SERVICE_CONTROL_POLICY` };
  const arn = typeof summary?.['Arn'] === 'string' ? (summary['Arn'] as string) : path;
  return {
    ok: true,
    value: {
      id: arn,
      name: typeof summary?.['Name'] === 'string' ? (summary['Name'] as string) : basename(path),
      content,
      description: typeof summary?.['Description'] === 'string' ? (summary['Description'] as string) : null,
    },
  };
}

/** The evaluator's verdict on a document: its reason when the document is not a valid SCP. */
function invalid(path: string, document: ScpDocument): string | null {
  const parsed = parsePolicy(document.name ?? path, document.content);
  return parsed.ok ? null : `${path}: ${parsed.reason}`;
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
      const document = {
        id: `${path}#${levelIndex}.${policyIndex}`,
        name: `${name} level ${levelIndex} #${policyIndex}`,
        content: `${JSON.stringify(policy, null, 2)}\n`,
      };
      const reason = invalid(path, document);
      if (reason !== null) return { ok: false, reason };
      level.push(document);
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
    const described = describedPolicy(file.path, file.parsed);
    if (described !== null && !described.ok) return described;
    if (described === null && !isPolicy(file.parsed)) return { ok: false, reason: `${file.path}: not an SCP (no "Statement", and not the output of aws organizations describe-policy)` };
    const document = described?.ok === true ? described.value : { id: file.path, name: basename(file.path), content: file.text };
    const reason = invalid(file.path, document);
    if (reason !== null) return { ok: false, reason };
    level.push(document);
  }
  return { ok: true, value: [level] };
}
