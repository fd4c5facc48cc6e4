/** Base class of every error cris-auditor throws on purpose. */
export class CrisAuditorError extends Error {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CrisAuditorError';
  }
}

/** A setting is missing or invalid; the message names the setting. */
export class ConfigurationError extends CrisAuditorError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigurationError';
  }
}

/** An input (file, payload, event) could not be read; the message names it and why. */
export class InputError extends CrisAuditorError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InputError';
  }
}

/**
 * A notification channel (Slack, SNS, email) did not accept a message after retries. `permanent`
 * is set when the channel refused it for a reason retrying cannot fix (a 4xx other than throttling:
 * an invalid payload, a deleted topic or webhook, missing permissions): the alert path records the
 * refusal instead of retrying the event, so the other channels are not sent the alert again.
 */
export class DeliveryError extends CrisAuditorError {
  public readonly permanent: boolean;

  public constructor(message: string, options?: { cause?: unknown; permanent?: boolean }) {
    super(message, options);
    this.name = 'DeliveryError';
    this.permanent = options?.permanent === true;
  }
}
