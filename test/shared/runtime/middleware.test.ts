import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { METRIC_NAMES, defaultEventId, logger, withRuntime } from '../../../shared/runtime/middleware.js';

const context = {
  functionName: 'cris-auditor-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:ap-northeast-1:111122223333:function:cris-auditor-test',
  memoryLimitInMB: '128',
  awsRequestId: 'request-42',
  getRemainingTimeInMillis: () => 1000,
} as unknown as Context;

function captureLogLines(): () => Array<Record<string, unknown>> {
  const chunks: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => chunks.push(String(chunk)) > 0);
  return () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{') && !line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('withRuntime', () => {
  it('puts the event ID and the Lambda context on every line, and forgets them after the invocation', async () => {
    // Prepare
    const lines = captureLogLines();
    const handler = withRuntime(
      async (event: { detail: { eventID: string } }) => {
        logger.info('first');
        logger.info('second');
        return event.detail.eventID;
      },
      { name: 'alert' },
    );

    // Act
    const result = await handler({ detail: { eventID: 'ct-1' } }, context);
    logger.info('outside');

    // Assess
    expect(result).toBe('ct-1');
    const [first, second, outside] = lines();
    expect(first).toMatchObject({ message: 'first', eventId: 'ct-1', function: 'alert', function_request_id: 'request-42' });
    expect(second).toMatchObject({ message: 'second', eventId: 'ct-1' });
    expect(outside?.['eventId']).toBeUndefined();
  });

  it('uses the event ID picker it is given (digest and replay events are not CloudTrail)', async () => {
    const lines = captureLogLines();
    const handler = withRuntime(
      async () => {
        logger.info('digest');
      },
      { name: 'digest', eventId: (event: { id: string }) => `schedule-${event.id}` },
    );
    await handler({ id: 'abc' }, context);
    expect(lines()[0]).toMatchObject({ eventId: 'schedule-abc', function: 'digest' });
  });
});

describe('defaultEventId', () => {
  it.each([
    ['prefers the CloudTrail eventID', { id: 'envelope', detail: { eventID: 'ct' } }, 'ct'],
    ['falls back to the EventBridge id', { id: 'envelope', detail: {} }, 'envelope'],
    ['gives nothing for a non-object', 'text', undefined],
  ])('%s', (_title, event, expected) => {
    expect(defaultEventId(event)).toBe(expected);
  });
});

describe('metrics', () => {
  it('emits EMF in the CrisAuditor namespace, DenialsByVerdict with a verdict dimension', async () => {
    // Prepare: a fresh module, so the Metrics singleton sees metrics enabled
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.resetModules();
    const runtime = await import('../../../shared/runtime/middleware.js');
    const chunks: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => chunks.push(String(chunk)) > 0);
    const handler = runtime.withRuntime(
      async () => {
        runtime.countDenial('cross-region-scp');
        runtime.countMetric(runtime.METRIC_NAMES.alertsSent);
      },
      { name: 'alert' },
    );

    // Act
    await handler({ detail: { eventID: 'ct-metrics' } }, context);
    vi.unstubAllEnvs();

    // Assess
    const emf = chunks
      .join('')
      .split('\n')
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as { _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }> }; [key: string]: unknown });
    const denial = emf.find((entry) => 'DenialsByVerdict' in entry);
    expect(denial?._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'CrisAuditor', Metrics: [{ Name: 'DenialsByVerdict', Unit: 'Count' }] });
    expect(denial?._aws.CloudWatchMetrics[0]?.Dimensions[0]).toContain('verdict');
    expect(denial).toMatchObject({ verdict: 'cross-region-scp', DenialsByVerdict: 1 });
    const flushed = emf.find((entry) => 'AlertsSent' in entry);
    expect(flushed).toMatchObject({ AlertsSent: 1 });
    expect(flushed?._aws.CloudWatchMetrics[0]?.Namespace).toBe('CrisAuditor');
  });
});

describe('METRIC_NAMES', () => {
  it('keeps the names dashboards and alarms depend on', () => {
    expect(METRIC_NAMES).toMatchObject({
      denialsByVerdict: 'DenialsByVerdict',
      alertsSent: 'AlertsSent',
      alertsSuppressed: 'AlertsSuppressed',
      duplicatesSkipped: 'DuplicatesSkipped',
    });
  });
});
