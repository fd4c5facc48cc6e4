import { isAbsolute, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dynamoDbLocalDir } from '../../cli/dynamodb-local.js';
import { ROOT } from '../helpers/load-event.js';

describe('dynamoDbLocalDir', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('is the gitignored .cache folder of the checkout by default', () => {
    vi.stubEnv('DYNAMODB_LOCAL_DIR', undefined);
    expect(dynamoDbLocalDir()).toBe(join(ROOT, '.cache', 'dynamodb-local-1.25.1'));
  });

  it('makes a relative DYNAMODB_LOCAL_DIR absolute (java runs inside that folder and is given paths in it)', () => {
    vi.stubEnv('DYNAMODB_LOCAL_DIR', 'some/relative/dir');
    const dir = dynamoDbLocalDir();
    expect(isAbsolute(dir)).toBe(true);
    expect(dir).toBe(join(process.cwd(), 'some', 'relative', 'dir'));
  });
});
