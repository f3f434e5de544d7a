import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrub } from '../../src/lib/logger.ts';

describe('log scrubbing', () => {
  it('drops secrets and personal data by key and masks emails and bearer tokens in text', () => {
    expect(scrub({ password: 'p', accessToken: 't', email: 'a@b.de', leadId: 'L1', nested: { phone: '+49', code: 'X' } }))
      .toEqual({ password: '[secret]', accessToken: '[secret]', email: '[personal]', leadId: 'L1', nested: { phone: '[personal]', code: 'X' } });
    expect(scrub('failed for anna.mueller@example.de with Bearer abc.def')).toBe('failed for [email] with Bearer [secret]');
  });

  it('writes JSON lines without the personal values', async () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (b: Buffer) => chunks.push(b.toString()));
    const log = createLogger({ stream, level: 'info' });
    log.info('lead received from jane@acme.test', { leadId: 'L1', company: 'Acme GmbH', token: 'secret-token' });
    await new Promise((r) => setTimeout(r, 20));
    const line = JSON.parse(chunks.join('').trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 'info', message: 'lead received from [email]', leadId: 'L1', company: '[personal]', token: '[secret]' });
    expect(chunks.join('')).not.toMatch(/jane@acme|Acme GmbH|secret-token/);
  });
});
