import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../src/entrypoints/config.js';
import { thrown } from '../rejection.js';

const WITH_BROKER = { DATABASE_URL: 'postgres://app@db:5432/n', ADMIN_API_KEY: 'admin-key-0123456789', RABBITMQ_URL: 'amqp://guest:guest@mq:5672' };

describe('loadConfig: RABBITMQ_DELIVERY_LIMIT', () => {
  it('is 20 by default, as in scripts/rabbitmq-policies.sh, and read when given', () => {
    expect(loadConfig(WITH_BROKER).amqp?.deliveryLimit).to.equal(20);
    expect(loadConfig({ ...WITH_BROKER, RABBITMQ_DELIVERY_LIMIT: '50' }).amqp?.deliveryLimit).to.equal(50);
  });

  it('refuses a limit below 1, naming the variable', () => {
    const error = thrown(() => loadConfig({ ...WITH_BROKER, RABBITMQ_DELIVERY_LIMIT: '0' }));
    expect(error).to.be.instanceOf(ConfigError);
    expect(error.message).to.contain('RABBITMQ_DELIVERY_LIMIT');
  });
});
