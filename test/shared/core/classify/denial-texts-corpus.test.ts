/**
 * The corpus of real, publicly posted denial texts (test/fixtures/denial-texts/, one file per item
 * with its source URL). Each item is read as posted, in the wrapped forms log pipelines and people
 * produce, and inside a CloudTrail record; the expected reading was written from the text itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDenialMessage } from '../../../../shared/core/classify/access-denied-message.js';
import { classifyRecord } from '../../../../shared/core/classify/classify.js';
import { loadBundledCatalog } from '../../../../shared/core/classify/profile-catalog.js';

interface CorpusItem {
  file: string;
  source: string;
  site: string;
  posted: string;
  cut?: 'poster' | 'excerpt';
  expected: Record<string, unknown> & { kind: string };
}

const DIRECTORY = join(__dirname, '../../../fixtures/denial-texts');
const corpus: CorpusItem[] = readdirSync(DIRECTORY)
  .filter((name) => name.endsWith('.json'))
  .sort()
  .map((file) => ({ file, ...(JSON.parse(readFileSync(join(DIRECTORY, file), 'utf8')) as Omit<CorpusItem, 'file'>) }));

/** Re-wraps text onto lines of at most `width` characters at spaces, as a terminal or an editor does. */
function rewrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line.length > 0 && line.length + word.length + 1 > width) {
      lines.push(line);
      line = indent + word;
    } else line = line.length === 0 ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join('\n');
}

/** The forms the same text takes on its way to a person: each must read the same. */
const FORMS: ReadonlyArray<[string, (text: string) => string]> = [
  ['as posted', (text) => text],
  ['inside a JSON log line (escaped)', (text) => JSON.stringify({ level: 'error', msg: 'bedrock call failed', error: text })],
  ['escaped twice (JSON inside JSON)', (text) => JSON.stringify({ log: JSON.stringify({ error: text }) })],
  ['re-wrapped at 60 columns', (text) => rewrap(text, 60, '  ')],
  ['after a tab-separated log prefix', (text) => `2026-11-27T01:01:07.123Z\tERROR\tRequestId: 4c3f2a1e\t${text}`],
];

function expectedFields(expected: CorpusItem['expected']): Record<string, unknown> {
  const { kind: _kind, ...fields } = expected;
  return fields;
}

describe('the denial-text corpus', () => {
  it('holds at least 40 real, publicly posted items, each with its source URL', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
    for (const item of corpus) {
      expect(item.source, item.file).toMatch(/^https:\/\/[a-z0-9.-]+\.[a-z]+\//);
      expect(item.posted.length, item.file).toBeGreaterThan(20);
    }
  });

  describe.each(corpus)('$file', (item) => {
    it.each(FORMS)('reads it %s', (_form, wrap) => {
      const parsed = parseDenialMessage(wrap(item.posted));

      expect(parsed.kind).toBe(item.expected.kind);
      expect(parsed).toMatchObject(expectedFields(item.expected));
    });

    it('reads it inside a CloudTrail record, giving a verdict other than unknown', () => {
      const record = {
        eventSource: 'bedrock.amazonaws.com',
        eventName: 'Converse',
        awsRegion: 'us-east-1',
        errorCode: 'AccessDenied',
        errorMessage: item.posted,
        requestParameters: { modelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0' },
      };

      const finding = classifyRecord(record, { catalog: loadBundledCatalog() });

      if (item.expected.kind === 'authorization' && item.expected.policyType === null) {
        expect(finding?.action).toBe(item.expected.action);
      } else {
        expect(finding?.verdict).not.toBe('unknown');
      }
      if (item.expected.kind === 'authorization') {
        expect(finding).toMatchObject({ action: item.expected.action, policyArn: item.expected.policyArn ?? null });
      }
    });
  });
});
