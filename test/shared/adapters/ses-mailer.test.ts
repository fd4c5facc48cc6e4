import { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSesMailer } from '../../../shared/adapters/ses-mailer.js';
import { DeliveryError } from '../../../shared/core/errors.js';
import { startSesLocal, type SesLocal } from '../../helpers/ses-local.js';

describe('createSesMailer', () => {
  let ses: SesLocal;
  let client: SESv2Client;

  beforeAll(async () => {
    ses = await startSesLocal();
    client = new SESv2Client({ endpoint: ses.endpoint, region: 'ap-northeast-1', maxAttempts: 1 });
  });
  beforeEach(async () => {
    await ses.clear();
  });
  afterAll(async () => {
    client.destroy();
    await ses.stop();
  });

  it('sends one message with a UTF-8 subject, an HTML part and a text part to every recipient', async () => {
    // Prepare
    const mailer = createSesMailer({ client, from: 'cris-auditor <noreply@example.com>' });

    // Act
    const result = await mailer.send({
      to: ['ccoe@example.com', 'sec@example.com'],
      subject: '[cris-auditor] Bedrock 拒否の日次ダイジェスト 2026-11-28',
      html: '<p>拒否 &lt;3&gt;</p>',
      text: '拒否 <3>\n',
    });

    // Assess
    const emails = await ses.emails();
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({
      messageId: result.messageId,
      from: 'cris-auditor <noreply@example.com>',
      destination: { to: ['ccoe@example.com', 'sec@example.com'], cc: [], bcc: [] },
      subject: '[cris-auditor] Bedrock 拒否の日次ダイジェスト 2026-11-28',
      body: { html: '<p>拒否 &lt;3&gt;</p>', text: '拒否 <3>\n' },
    });
  });

  it('refuses a subject with a line break before calling SES', async () => {
    // Prepare
    const mailer = createSesMailer({ client, from: 'noreply@example.com' });

    // Act
    const sending = mailer.send({ to: ['a@example.com'], subject: 'digest\r\nBcc: x@example.com', html: '<p></p>', text: 'x' });

    // Assess
    await expect(sending).rejects.toBeInstanceOf(DeliveryError);
    expect(await ses.emails()).toEqual([]);
  });

  it('turns a refusal by SES into a DeliveryError that keeps the SDK error as cause', async () => {
    // Prepare: aws-ses-v2-local rejects a message without a sender address
    const mailer = createSesMailer({ client, from: '' });

    // Act
    const error = await mailer.send({ to: ['a@example.com'], subject: 's', html: '<p>h</p>', text: 't' }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).message).toMatch(/SES did not accept the digest/);
    expect((error as DeliveryError).cause).toBeInstanceOf(Error);
  });
});
