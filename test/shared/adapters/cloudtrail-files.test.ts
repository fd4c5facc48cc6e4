import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import {
  readCloudTrailInputs,
  type CloudTrailInputItem,
  type ReadCloudTrailInputsOptions,
} from '../../../shared/adapters/cloudtrail-files.js';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'inputs');

const record = (id: string) => ({
  eventVersion: '1.11',
  eventSource: 'bedrock.amazonaws.com',
  eventName: 'InvokeModel',
  eventID: id,
  awsRegion: 'ap-northeast-1',
  errorCode: 'AccessDenied',
  errorMessage: 'User: arn:aws:sts::111122223333:assumed-role/R/s is not authorized to perform: bedrock:InvokeModel',
});
const eventBridge = (detail: unknown) => ({ 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.bedrock', detail });
const lookupResponse = (...ids: string[]) => ({
  Events: ids.map((id) => ({ EventId: id, CloudTrailEvent: JSON.stringify(record(id)) })),
  NextToken: 'next',
});

/** Everything read, in order, with records reduced to their event IDs. */
async function readAll(paths: string[], options?: ReadCloudTrailInputsOptions) {
  const items: CloudTrailInputItem[] = [];
  for await (const item of readCloudTrailInputs(paths, options)) items.push(item);
  return items;
}

function brief(items: CloudTrailInputItem[], root = '') {
  const name = (file: string) => (root !== '' && file.startsWith(root) ? file.slice(root.length + 1) : file);
  return items.map((item) => {
    if (item.kind === 'record') return `record ${name(item.file)} ${String(item.record.eventID)}`;
    if (item.kind === 'problem') return `problem ${name(item.file)}${item.line === undefined ? '' : `:${item.line}`} ${item.reason}`;
    return `file ${name(item.file)} ${item.status} ${item.records}`;
  });
}

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cloudtrail-files-'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function write(relative: string, content: string | Buffer): string {
  const path = join(root, relative);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

describe('readCloudTrailInputs', () => {
  const shapes: Array<{ name: string; content: string; ids: string[] }> = [
    { name: 'a bare record', content: JSON.stringify(record('r1')), ids: ['r1'] },
    { name: 'a pretty-printed EventBridge event', content: JSON.stringify(eventBridge(record('e1')), null, 2), ids: ['e1'] },
    { name: 'an S3 log file', content: JSON.stringify({ Records: [record('s1'), record('s2')] }), ids: ['s1', 's2'] },
    { name: 'a LookupEvents response', content: JSON.stringify(lookupResponse('l1', 'l2'), null, 4), ids: ['l1', 'l2'] },
    {
      name: 'a JSON array of every shape',
      content: JSON.stringify([record('a1'), eventBridge(record('a2')), { Records: [record('a3')] }, lookupResponse('a4')]),
      ids: ['a1', 'a2', 'a3', 'a4'],
    },
    {
      name: 'NDJSON of every shape',
      content: [record('n1'), eventBridge(record('n2')), { Records: [record('n3')] }, lookupResponse('n4'), lookupResponse('n5').Events[0]]
        .map((value) => JSON.stringify(value))
        .join('\n'),
      ids: ['n1', 'n2', 'n3', 'n4', 'n5'],
    },
  ];

  for (const compressed of [false, true]) {
    it.each(shapes)(`reads ${compressed ? 'gzipped' : 'plain'} $name`, async ({ name, content, ids }) => {
      // Prepare
      const path = write(`shapes/${name.replaceAll(' ', '-')}.json${compressed ? '.gz' : ''}`, compressed ? gzipSync(content) : content);

      // Act
      const items = await readAll([path]);

      // Assess
      expect(brief(items, root)).toEqual([
        ...ids.map((id) => `record ${path.slice(root.length + 1)} ${id}`),
        `file ${path.slice(root.length + 1)} read ${ids.length}`,
      ]);
    });
  }

  it('reports a bad NDJSON line with its number and still counts the other lines', async () => {
    // Prepare
    const path = write('bad-line.ndjson', [JSON.stringify(record('b1')), '{"eventName": oops}', '{"foo":1}', JSON.stringify(record('b4'))].join('\n'));

    // Act
    const items = await readAll([path]);

    // Assess
    expect(items).toEqual([
      { kind: 'record', file: path, record: record('b1') },
      expect.objectContaining({ kind: 'problem', file: path, line: 2, reason: expect.stringMatching(/^not valid JSON: /) as unknown }),
      {
        kind: 'problem',
        file: path,
        line: 3,
        reason: 'not a CloudTrail record, EventBridge event, log file or LookupEvents response: top-level keys foo',
      },
      { kind: 'record', file: path, record: record('b4') },
      { kind: 'file', file: path, records: 2, status: 'read' },
    ]);
  });

  it('detects gzip by its magic bytes, not by the file name', async () => {
    // Prepare
    const gzipNamedJson = write('magic/gzip-named.json', gzipSync(JSON.stringify(record('g1'))));
    const plainNamedGz = write('magic/plain-named.gz', JSON.stringify(record('g2')));
    const odd = write('magic/export.txt', JSON.stringify(record('g3')));

    // Act
    const items = await readAll([gzipNamedJson, plainNamedGz, odd]);

    // Assess
    expect(brief(items, root)).toEqual([
      'record magic/gzip-named.json g1',
      'file magic/gzip-named.json read 1',
      'record magic/plain-named.gz g2',
      'file magic/plain-named.gz read 1',
      'record magic/export.txt g3',
      'file magic/export.txt read 1',
    ]);
  });

  it('reads concatenated gzip members whole', async () => {
    // Prepare
    const path = write('multi-member.json.gz', Buffer.concat([gzipSync(`${JSON.stringify(record('m1'))}\n`), gzipSync(JSON.stringify(record('m2')))]));

    // Act
    const items = await readAll([path]);

    // Assess
    expect(brief(items, root)).toEqual(['record multi-member.json.gz m1', 'record multi-member.json.gz m2', 'file multi-member.json.gz read 2']);
  });

  it('reads every record of a whole file whatever its gzip trailer announces', async () => {
    // Prepare: 400 records (~100 KB each side of the 128 KiB one-call limit) in a first member, and
    // a tiny last member whose trailer (the only one a reader sees) announces 200-odd bytes.
    const many = { Records: Array.from({ length: 400 }, (_, i) => ({ ...record(`big-${i}`), padding: 'x'.repeat(400) })) };
    const path = write('announces-little.json.gz', Buffer.concat([gzipSync(`${JSON.stringify(many)}\n`), gzipSync(JSON.stringify(record('tail')))]));
    const small = write('small.json.gz', gzipSync(JSON.stringify({ Records: [record('s1'), record('s2')] })));

    // Act
    const items = await readAll([path, small]);

    // Assess
    const ids = brief(items, root);
    expect(ids).toHaveLength(400 + 1 + 1 + 2 + 1);
    expect(ids.slice(0, 2)).toEqual(['record announces-little.json.gz big-0', 'record announces-little.json.gz big-1']);
    expect(ids.slice(399, 405)).toEqual([
      'record announces-little.json.gz big-399',
      'record announces-little.json.gz tail',
      'file announces-little.json.gz read 401',
      'record small.json.gz s1',
      'record small.json.gz s2',
      'file small.json.gz read 2',
    ]);
  });

  it('walks directories recursively in sorted order, skipping other files, hidden entries and digests', async () => {
    // Prepare
    write('tree/b/2.json', JSON.stringify(record('t2')));
    write('tree/b/a/1.json.gz', gzipSync(JSON.stringify({ Records: [record('t1')] })));
    write('tree/B.ndjson', JSON.stringify(record('t0')));
    write('tree/c/notes.txt', 'not json');
    write('tree/c/3.jsonl', JSON.stringify(record('t3')));
    write('tree/.git/config', '[core]');
    write('tree/d/digest.json.gz', gzipSync(JSON.stringify({ awsAccountId: '111122223333', digestStartTime: 'x', logFiles: [] })));
    write('tree/e.JSON', JSON.stringify(record('t4')));
    symlinkSync(join(root, 'tree', 'b'), join(root, 'tree', 'f'));

    // Act
    const items = await readAll([join(root, 'tree')]);

    // Assess
    expect(brief(items, root)).toEqual([
      'file tree/.git skipped 0',
      'record tree/B.ndjson t0',
      'file tree/B.ndjson read 1',
      'record tree/b/2.json t2',
      'file tree/b/2.json read 1',
      'record tree/b/a/1.json.gz t1',
      'file tree/b/a/1.json.gz read 1',
      'record tree/c/3.jsonl t3',
      'file tree/c/3.jsonl read 1',
      'file tree/c/notes.txt skipped 0',
      'file tree/d/digest.json.gz skipped 0',
      'record tree/e.JSON t4',
      'file tree/e.JSON read 1',
    ]);
  });

  it('reports a missing file with its path and reason, then reads the next path', async () => {
    // Prepare
    const missing = join(root, 'nope', 'missing.json');
    const present = write('present.json', JSON.stringify(record('p1')));

    // Act
    const items = await readAll([missing, present]);

    // Assess
    expect(items).toEqual([
      { kind: 'problem', file: missing, reason: `cannot read: ENOENT: no such file or directory, stat '${missing}'` },
      { kind: 'file', file: missing, records: 0, status: 'failed' },
      { kind: 'record', file: present, record: record('p1') },
      { kind: 'file', file: present, records: 1, status: 'read' },
    ]);
  });

  it('keeps the records read before a truncated gzip stream and names the zlib reason', async () => {
    // Prepare
    const records = Array.from({ length: 3000 }, (_, index) => record(`z${index}-${'x'.repeat(index % 97)}`));
    const whole = gzipSync(JSON.stringify({ Records: records }));
    const path = write('truncated.json.gz', whole.subarray(0, Math.floor(whole.length * 0.6)));

    // Act
    const items = await readAll([path], { readChunkBytes: 4096 });

    // Assess
    const read = items.filter((item) => item.kind === 'record').map((item) => (item.kind === 'record' ? item.record : null));
    expect(read.length).toBeGreaterThan(100);
    expect(read).toEqual(records.slice(0, read.length));
    expect(items.slice(-2)).toEqual([
      {
        kind: 'problem',
        file: path,
        reason: 'gzip data is corrupt or truncated: unexpected end of file (Z_BUF_ERROR); records before this point were read',
      },
      { kind: 'file', file: path, records: read.length, status: 'failed' },
    ]);
  });

  it('reports corrupt gzip data', async () => {
    // Prepare
    const whole = gzipSync(JSON.stringify({ Records: [record('c1')] }));
    const corrupt = Buffer.from(whole);
    corrupt.fill(0xff, 12, 40);
    const path = write('corrupt.json.gz', corrupt);

    // Act
    const items = await readAll([path]);

    // Assess
    expect(brief(items, root)).toEqual([
      expect.stringMatching(/^problem corrupt\.json\.gz gzip data is corrupt or truncated: .+ \(Z_DATA_ERROR\)/),
      'file corrupt.json.gz failed 0',
    ]);
  });

  it('reads - from stdin, gzipped or not, in chunks of any size', async () => {
    // Prepare
    const bytes = gzipSync(JSON.stringify({ Records: [record('i1'), record('i2')] }));
    const stdin = Readable.from(Array.from(bytes, (byte) => Buffer.from([byte])));

    // Act
    const items = await readAll(['-'], { stdin });

    // Assess
    expect(brief(items)).toEqual(['record - i1', 'record - i2', 'file - read 2']);
  });

  it('reports a directory redirected to standard input instead of reading nothing', () => {
    // Prepare: a real process whose fd 0 is a directory.
    const script = write('stdin-probe.mts', [
      `import { readCloudTrailInputs } from ${JSON.stringify(join(__dirname, '..', '..', '..', 'shared', 'adapters', 'cloudtrail-files.ts'))};`,
      `for await (const item of readCloudTrailInputs(['-'])) console.log(JSON.stringify(item));`,
    ].join('\n'));
    const stdin = openSync(root, 'r');

    // Act
    const child = spawnSync(process.execPath, ['--import', 'tsx', script], { stdio: [stdin, 'pipe', 'pipe'], encoding: 'utf8' });
    closeSync(stdin);

    // Assess
    expect(child.stdout.trim().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual([
      {
        kind: 'problem',
        file: '-',
        reason: 'cannot read: standard input is a directory (EISDIR); pass the directory as a path instead of redirecting it',
      },
      { kind: 'file', file: '-', records: 0, status: 'failed' },
    ]);
  });

  it('reports a truncated log file as failed after its complete records', async () => {
    // Prepare
    const path = write('cut.json', '{"Records":[' + JSON.stringify(record('k1')) + ',{"eventID":"k2","eventN');

    // Act
    const items = await readAll([path]);

    // Assess
    expect(brief(items, root)).toEqual([
      'record cut.json k1',
      'problem cut.json:1 unexpected end of input inside a string: the JSON value that starts on this line is truncated',
      'file cut.json failed 1',
    ]);
  });

  it('says why an input holds no CloudTrail data: zero bytes, an empty .gz, white space only', async () => {
    // Prepare
    const empty = write('empty/zero.json', '');
    const emptyGzip = write('empty/nothing.json.gz', gzipSync(''));
    const blank = write('empty/blank.ndjson', ' \n\n\t\n');
    const emptyLog = write('empty/no-records.json', '{"Records":[]}');

    // Act
    const items = await readAll([empty, emptyGzip, blank, emptyLog]);

    // Assess
    expect(brief(items, root)).toEqual([
      'problem empty/zero.json the file is empty (0 bytes): no CloudTrail data',
      'file empty/zero.json read 0',
      'problem empty/nothing.json.gz the file is gzip data that decompresses to nothing (0 bytes): no CloudTrail data',
      'file empty/nothing.json.gz read 0',
      'problem empty/blank.ndjson the file holds no JSON value (5 bytes of white space only): no CloudTrail data',
      'file empty/blank.ndjson read 0',
      'file empty/no-records.json read 0',
    ]);
  });

  it('says when standard input was empty', async () => {
    // Act
    const items = await readAll(['-'], { stdin: Readable.from([]) });

    // Assess
    expect(brief(items)).toEqual(['problem - standard input is empty (0 bytes): no CloudTrail data', 'file - read 0']);
  });

  it('skips a named pipe found in a directory instead of waiting forever for a writer, and says so', async () => {
    // Prepare
    const dir = join(root, 'with-fifo');
    mkdirSync(dir, { recursive: true });
    const made = spawnSync('mkfifo', [join(dir, 'a-pipe.json')]);
    expect(made.status).toBe(0);
    write('with-fifo/b.json', JSON.stringify(record('f1')));

    // Act
    const items = await readAll([dir]);

    // Assess
    expect(items[0]).toEqual({ kind: 'file', file: join(dir, 'a-pipe.json'), records: 0, status: 'skipped', reason: 'not a regular file (a named pipe), so it is not read' });
    expect(brief(items.slice(1), root)).toEqual(['record with-fifo/b.json f1', 'file with-fifo/b.json read 1']);
  });

  it('skips a value over the size limit with the count of records read before it', async () => {
    // Prepare
    const path = write('limit/big.ndjson', [JSON.stringify(record('l1')), JSON.stringify(record('l2')), JSON.stringify({ ...record('l3'), padding: 'x'.repeat(500) }), JSON.stringify(record('l4'))].join('\n'));

    // Act
    const items = await readAll([path], { maxValueBytes: 400 });

    // Assess
    expect(brief(items, root)).toEqual([
      'record limit/big.ndjson l1',
      'record limit/big.ndjson l2',
      'problem limit/big.ndjson:3 this JSON value is larger than 0 MB and is not a {"Records":[...]} log file, a LookupEvents response or an array, so it cannot be streamed; skipped (2 records of this input read before it)',
      'record limit/big.ndjson l4',
      'file limit/big.ndjson read 3',
    ]);
  });

  it('reports invalid UTF-8 in a record with its position and still reads the record', async () => {
    // Prepare
    const good = Buffer.from(JSON.stringify({ Records: [record('u1'), { ...record('u2'), userAgent: 'XX' }] }));
    const at = good.indexOf('XX');
    good[at] = 0xff;
    good[at + 1] = 0xfe;
    const path = write('utf8/bad.json', good);

    // Act
    const items = await readAll([path]);

    // Assess
    expect(brief(items, root)).toEqual([
      'record utf8/bad.json u1',
      'problem utf8/bad.json:1 Records[1]: not valid UTF-8: each invalid byte sequence is read as U+FFFD (the replacement character)',
      'record utf8/bad.json u2',
      'file utf8/bad.json read 2',
    ]);
    expect((items[2] as { record: { userAgent: string } }).record.userAgent).toBe('\uFFFD\uFFFD');
  });

  it('names each field of a denied Bedrock call that has the wrong type, and still reports the record', async () => {
    // Prepare
    const path = write('types/wrong.ndjson', [
      JSON.stringify({ ...record('t1'), awsRegion: 7 }),
      JSON.stringify({ ...record('t2'), requestParameters: { modelId: ['apac.x'] }, userIdentity: 'root' }),
      JSON.stringify({ ...record('t3'), eventSource: 's3.amazonaws.com', awsRegion: 7 }),
    ].join('\n'));

    // Act
    const items = await readAll([path]);

    // Assess
    expect(brief(items, root)).toEqual([
      'problem types/wrong.ndjson:1 awsRegion is a number, not a string: the finding shows it as unknown',
      'record types/wrong.ndjson t1',
      'problem types/wrong.ndjson:2 userIdentity is a string, not an object: the finding shows it as unknown',
      'problem types/wrong.ndjson:2 requestParameters.modelId is an array, not a string: the finding shows it as unknown',
      'record types/wrong.ndjson t2',
      'record types/wrong.ndjson t3',
      'file types/wrong.ndjson read 3',
    ]);
  });

  it('reads the bundled sample inputs of every shape', async () => {
    // Act
    const items = await readAll([FIXTURES]);

    // Assess
    expect(brief(items, FIXTURES)).toEqual([
      'record 111122223333_CloudTrail_ap-northeast-1_20261120T0105Z_EXAMPLE.json.gz 00000000-0000-4000-8000-000000000004',
      'record 111122223333_CloudTrail_ap-northeast-1_20261120T0105Z_EXAMPLE.json.gz 00000000-0000-4000-8000-000000000005',
      'file 111122223333_CloudTrail_ap-northeast-1_20261120T0105Z_EXAMPLE.json.gz read 2',
      'record cloudtrail-record.json 00000000-0000-4000-8000-000000000001',
      'file cloudtrail-record.json read 1',
      'record eventbridge-event.json 00000000-0000-4000-8000-000000000002',
      'file eventbridge-event.json read 1',
      'record lookup-events.json 00000000-0000-4000-8000-000000000003',
      'file lookup-events.json read 1',
      'record records-with-a-cut-line.ndjson 00000000-0000-4000-8000-000000000006',
      'problem records-with-a-cut-line.ndjson:2 a line break inside a string (the line is cut short?)',
      'record records-with-a-cut-line.ndjson 00000000-0000-4000-8000-000000000007',
      'file records-with-a-cut-line.ndjson read 2',
    ]);
  });

  it('reads any log file of arbitrary record objects exactly as JSON.parse of the whole, plain or gzipped', async () => {
    const recordObject = fc.dictionary(fc.string({ unit: 'binary', maxLength: 12 }), fc.jsonValue({ stringUnit: 'binary', maxDepth: 3 }), { maxKeys: 6 });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(recordObject, { maxLength: 20 }), fc.boolean(), fc.integer({ min: 1, max: 97 }), async (records, compressed, chunk) => {
        // Prepare
        const text = JSON.stringify({ Records: records });
        const path = write(`property/${run++}.json`, compressed ? gzipSync(text) : text);

        // Act
        const items = await readAll([path], { readChunkBytes: chunk });

        // Assess
        expect(items.filter((item) => item.kind !== 'record')).toEqual([{ kind: 'file', file: path, records: records.length, status: 'read' }]);
        expect(items.flatMap((item) => (item.kind === 'record' ? [item.record] : []))).toEqual((JSON.parse(text) as { Records: unknown[] }).Records);
      }),
      { numRuns: 60 },
    );
  });

  it('stops reading when the consumer stops early', async () => {
    // Prepare
    const path = write('many.json', JSON.stringify({ Records: Array.from({ length: 50 }, (_, index) => record(`q${index}`)) }));

    // Act
    const seen: string[] = [];
    for await (const item of readCloudTrailInputs([path, path])) {
      if (item.kind === 'record') seen.push(String(item.record.eventID));
      if (seen.length === 3) break;
    }

    // Assess
    expect(seen).toEqual(['q0', 'q1', 'q2']);
  });
});
