import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../../helpers/load-event.js';
import type { ScpDocument } from '../../../../shared/core/types.js';

/**
 * The SCP corpus the preflight properties draw from: test/fixtures/scp-corpus/ (real published
 * SCPs, when present), the published AWS examples in test/fixtures/scp/ and the instantiated
 * samples in events/scp/. Every JSON file holding one policy document is one item.
 */
function policyFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return policyFiles(path);
    return name.endsWith('.json') ? [path] : [];
  });
}

export function loadScpCorpus(): ScpDocument[] {
  const files = [
    ...policyFiles(join(ROOT, 'test', 'fixtures', 'scp-corpus')),
    ...policyFiles(join(ROOT, 'test', 'fixtures', 'scp')),
    ...policyFiles(join(ROOT, 'events', 'scp')),
  ];
  const seen = new Set<string>();
  const documents: ScpDocument[] = [];
  for (const file of files) {
    const content = readFileSync(file, 'utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch {
      continue;
    }
    const record = parsed as Record<string, unknown>;
    // A test/fixtures/scp-corpus item: { source, levels: [[{ id, name, policy }]] }; every policy is an item.
    if (Array.isArray(record?.levels)) {
      for (const level of record.levels as unknown[]) {
        for (const entry of Array.isArray(level) ? (level as Record<string, unknown>[]) : []) {
          const policy = entry?.policy;
          if (policy === null || typeof policy !== 'object' || !('Statement' in policy)) continue;
          const text = JSON.stringify(policy, null, 2);
          if (seen.has(text)) continue;
          seen.add(text);
          documents.push({ id: `${file.slice(ROOT.length + 1)}#${String(entry.id)}`, name: typeof entry.name === 'string' ? entry.name : String(entry.id), content: text });
        }
      }
      continue;
    }
    // A corpus item may wrap the policy with its source ({ source, policy }); take the document.
    const document = record !== null && typeof record === 'object' && 'Statement' in record ? record : (record?.policy ?? record?.document ?? record?.content);
    if (document === null || typeof document !== 'object' || !('Statement' in (document as object))) continue;
    const text = document === record ? content : JSON.stringify(document, null, 2);
    if (seen.has(text)) continue;
    seen.add(text);
    documents.push({ id: file.slice(ROOT.length + 1), name: file.split('/').pop() ?? file, content: text });
  }
  return documents;
}
