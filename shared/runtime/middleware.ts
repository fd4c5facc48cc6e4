import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';

/** CloudWatch namespace of every metric cris-auditor emits. */
export const METRICS_NAMESPACE = 'CrisAuditor';

/**
 * Metric names (EMF). `DenialsByVerdict` carries a `verdict` dimension; the others are counts per
 * invocation.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 */
export const METRIC_NAMES = {
  denialsByVerdict: 'DenialsByVerdict',
  alertsSent: 'AlertsSent',
  alertsSuppressed: 'AlertsSuppressed',
  duplicatesSkipped: 'DuplicatesSkipped',
  eventsIgnored: 'EventsIgnored',
  processingFailures: 'ProcessingFailures',
  /** Alerts a channel refused for good (a 4xx retrying cannot fix); one per channel and event. */
  channelRejections: 'ChannelRejections',
} as const;

/** A metric name; see {@link METRIC_NAMES}. */
export type MetricName = (typeof METRIC_NAMES)[keyof typeof METRIC_NAMES];

const serviceName = process.env['POWERTOOLS_SERVICE_NAME'] ?? 'cris-auditor';

/**
 * The one Powertools Logger of a function (JSON lines; level from `POWERTOOLS_LOG_LEVEL`). Inside a
 * handler wrapped by {@link withRuntime} every line carries the Lambda context and `eventId`.
 * @see https://docs.powertools.aws.dev/lambda/typescript/latest/core/logger/
 */
export const logger = new Logger({ serviceName });

/**
 * The one Powertools Metrics of a function, flushed as EMF at the end of every invocation.
 * @see https://docs.powertools.aws.dev/lambda/typescript/latest/core/metrics/
 */
export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName });

/** Adds one to a count metric of this invocation. */
export function countMetric(name: MetricName, value = 1): void {
  metrics.addMetric(name, MetricUnit.Count, value);
}

/** Counts one denial under its verdict (a single metric with a `verdict` dimension, flushed now). */
export function countDenial(verdict: string): void {
  const single = metrics.singleMetric();
  single.addDimension('verdict', verdict);
  single.addMetric(METRIC_NAMES.denialsByVerdict, MetricUnit.Count, 1);
}

/** Options of {@link withRuntime}. */
export interface RuntimeOptions<E> {
  /** Function name as logged (`alert`, `digest`, `replay`). */
  name: string;
  /**
   * The ID logged as `eventId` on every line of an invocation. Default: the CloudTrail `eventID`
   * of an EventBridge event's `detail`, else the EventBridge event `id`.
   */
  eventId?: (event: E) => string | undefined;
}

/** The default event ID: CloudTrail's `detail.eventID`, else the envelope's `id`. */
export function defaultEventId(event: unknown): string | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const detail = (event as { detail?: unknown }).detail;
  const cloudTrailId = typeof detail === 'object' && detail !== null ? (detail as { eventID?: unknown }).eventID : undefined;
  if (typeof cloudTrailId === 'string' && cloudTrailId !== '') return cloudTrailId;
  const id = (event as { id?: unknown }).id;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * Wraps a handler in the project's one middy + Powertools stack, outermost first: Lambda context
 * on every log line (keys reset after each invocation, so nothing leaks into the next event), EMF
 * metrics with a cold-start metric, and the event ID appended to every line. Used by the alert,
 * digest and replay functions.
 * @see https://middy.js.org/docs/intro/how-it-works
 */
export function withRuntime<E, R>(
  handler: (event: E, context: Context) => Promise<R>,
  options: RuntimeOptions<E>,
): MiddyfiedHandler<E, R, Error, Context> {
  const pickEventId = options.eventId ?? defaultEventId;
  return middy<E, R, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true, throwOnEmptyMetrics: false }))
    .use({
      before: function appendEventId(request) {
        const eventId = pickEventId(request.event);
        logger.appendKeys({ function: options.name, eventId: eventId ?? 'none' });
      },
    })
    .handler(handler);
}
