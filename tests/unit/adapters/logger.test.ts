import { expect } from 'chai';
import { capturedLogger } from '../log-capture.js';
import { withCorrelationId, correlationIdFrom } from '../../../src/adapters/observability/correlation.js';

const capture = () => capturedLogger();

async function flushed(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

describe('the pino logger', () => {
  it('redacts the Authorization header, passwords and keys', async () => {
    const { lines, logger } = capture();
    logger.info({ req: { headers: { authorization: 'Bearer sekrit-key', accept: 'json' } }, smtp: { password: 'hunter2' }, created: { key: 'nsk_abc' } }, 'x');
    await flushed();
    const text = JSON.stringify(lines);
    for (const secret of ['sekrit-key', 'hunter2', 'nsk_abc']) expect(text).to.not.include(secret);
    expect(lines[0]).to.deep.include({ req: { headers: { authorization: '[redacted]', accept: 'json' } } });
  });

  it('puts the current correlation id on every line written inside its scope', async () => {
    const { lines, logger } = capture();
    await withCorrelationId('corr-42', async () => {
      await flushed();
      logger.info('inside');
    });
    logger.info('outside');
    await flushed();
    expect(lines.map((l) => [l.msg, l.correlation_id])).to.deep.equal([
      ['inside', 'corr-42'],
      ['outside', undefined],
    ]);
  });

  it('writes the level as its name', async () => {
    const { lines, logger } = capture();
    logger.info('one');
    logger.error('two');
    await flushed();
    expect(lines.map((l) => l.level)).to.deep.equal(['info', 'error']);
  });

  it('accepts a caller correlation id only when it is a sane token', () => {
    expect(correlationIdFrom('trace-1')).to.equal('trace-1');
    for (const bad of ['has space', 'x'.repeat(129), 'line\nbreak', '', undefined]) {
      expect(correlationIdFrom(bad)).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });
});
