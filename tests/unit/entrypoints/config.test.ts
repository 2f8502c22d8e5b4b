import { expect } from 'chai';
import { type Config, ConfigError, loadConfig } from '../../../src/entrypoints/config.js';
import { thrown } from '../rejection.js';

const REQUIRED = { DATABASE_URL: 'postgres://app:s3cret@db:5432/notifications', ADMIN_API_KEY: 'admin-key-0123456789' };

function configError(env: Record<string, string | undefined>): string {
  const error = thrown(() => loadConfig(env));
  expect(error).to.be.instanceOf(ConfigError);
  expect(error.message).to.not.contain('\n');
  return error.message;
}

describe('loadConfig', () => {
  it('fills in defaults for everything optional', () => {
    const config: Config = loadConfig(REQUIRED);
    expect(config).to.deep.include({
      port: 8001,
      host: '0.0.0.0',
      logLevel: 'info',
      adminApiKey: 'admin-key-0123456789',
      amqp: undefined,
      smtp: undefined,
      appBaseUrl: 'http://localhost:3000',
    });
    expect(config.database).to.deep.include({
      url: REQUIRED.DATABASE_URL,
      standbyUrl: undefined,
      standbyMaxLagSeconds: 5,
      poolMax: 10,
      workerPoolMax: 4,
    });
  });

  it('reads the values given, trimming blanks around them', () => {
    const config = loadConfig({ ...REQUIRED, PORT: ' 9000 ', LOG_LEVEL: 'debug', STANDBY_MAX_LAG_SECONDS: '30', STANDBY_DATABASE_URL: 'postgresql://standby/db' });
    expect([config.port, config.logLevel, config.database.standbyMaxLagSeconds, config.database.standbyUrl]).to.deep.equal([
      9000,
      'debug',
      30,
      'postgresql://standby/db',
    ]);
  });

  it('refuses a missing DATABASE_URL in a one-line message naming it', () => {
    expect(configError({ ADMIN_API_KEY: REQUIRED.ADMIN_API_KEY })).to.equal('invalid configuration: DATABASE_URL is required');
  });

  it('refuses a PORT that is not an integer from 0 to 65535, naming it', () => {
    for (const port of ['abc', '70000', '-1', '80.5', '1e3']) {
      expect(configError({ ...REQUIRED, PORT: port }), port).to.match(/^invalid configuration: PORT must be an integer from 0 to 65535/);
    }
  });

  it('refuses a database URL of another scheme without echoing it', () => {
    const message = configError({ ...REQUIRED, DATABASE_URL: 'mysql://root:hunter2@db/app' });
    expect(message).to.contain('DATABASE_URL must be a URL starting with postgres:// or postgresql://');
    expect(message).to.not.contain('hunter2');
    expect(message).to.not.contain('mysql');
  });

  it('refuses a database URL that does not parse without echoing it', () => {
    const message = configError({ ...REQUIRED, DATABASE_URL: 'app:hunter2@db' });
    expect(message).to.contain('DATABASE_URL');
    expect(message).to.not.contain('hunter2');
  });

  it('refuses a missing or too short ADMIN_API_KEY', () => {
    expect(configError({ DATABASE_URL: REQUIRED.DATABASE_URL })).to.equal('invalid configuration: ADMIN_API_KEY is required');
    expect(configError({ ...REQUIRED, ADMIN_API_KEY: 'short' })).to.equal(
      'invalid configuration: ADMIN_API_KEY must be at least 16 characters long',
    );
  });

  it('names every bad variable in one line, even when a value holds a newline', () => {
    const message = configError({ ADMIN_API_KEY: 'short', PORT: '80\n80', LOG_LEVEL: 'loud' });
    for (const name of ['PORT', 'LOG_LEVEL', 'ADMIN_API_KEY', 'DATABASE_URL']) expect(message).to.contain(name);
  });

  it('leaves SMTP unconfigured when SMTP_HOST is unset, even if other SMTP variables are', () => {
    expect(loadConfig({ ...REQUIRED, SMTP_PORT: '25', SMTP_SECURE: 'true' }).smtp).to.equal(undefined);
  });

  it('reads SMTP settings with defaults when SMTP_HOST is set', () => {
    expect(loadConfig({ ...REQUIRED, SMTP_HOST: 'smtp.example.com' }).smtp).to.deep.equal({
      host: 'smtp.example.com',
      port: 587,
      username: undefined,
      password: undefined,
      from: 'notifications@localhost',
      secure: false,
      startTls: false,
      allowInsecureAuth: false,
      maxConnections: 5,
      connectionTimeoutMs: 10_000,
      socketTimeoutMs: 30_000,
      circuitFailuresToOpen: 5,
      circuitHalfOpenAfterMs: 10_000,
    });
  });

  it('reads SMTP_ALLOW_INSECURE_AUTH, off unless set', () => {
    expect(loadConfig({ ...REQUIRED, SMTP_HOST: 'smtp', SMTP_ALLOW_INSECURE_AUTH: 'true' }).smtp?.allowInsecureAuth).to.equal(true);
  });

  it('parses SMTP_SECURE as a boolean and refuses anything else', () => {
    const secure = (value: string) => loadConfig({ ...REQUIRED, SMTP_HOST: 'smtp', SMTP_SECURE: value }).smtp?.secure;
    expect(['true', 'TRUE', '1', 'yes', 'false', '0', 'No'].map(secure)).to.deep.equal([true, true, true, true, false, false, false]);
    expect(configError({ ...REQUIRED, SMTP_HOST: 'smtp', SMTP_SECURE: 'maybe' })).to.equal(
      'invalid configuration: SMTP_SECURE must be true or false (got "maybe")',
    );
  });

  it('reads the WebSocket stream settings, with no FEED_SIGNING_SECRET by default', () => {
    expect(loadConfig(REQUIRED).stream).to.deep.equal({ feedSigningSecret: undefined, idleTimeoutMs: 60_000, maxBufferedBytes: 1_048_576, maxConnections: 10_000, maxStreamsPerSubject: 16 });
    const secret = 'f'.repeat(32);
    const env = { FEED_SIGNING_SECRET: secret, WS_IDLE_TIMEOUT_SECONDS: '2', WS_MAX_BUFFERED_BYTES: '65536', WS_MAX_CONNECTIONS: '5', WS_MAX_STREAMS_PER_SUBJECT: '3' };
    const stream = loadConfig({ ...REQUIRED, ...env }).stream;
    expect(stream).to.deep.equal({ feedSigningSecret: secret, idleTimeoutMs: 2_000, maxBufferedBytes: 65_536, maxConnections: 5, maxStreamsPerSubject: 3 });
  });

  it('refuses a FEED_SIGNING_SECRET shorter than 32 characters', () => {
    expect(configError({ ...REQUIRED, FEED_SIGNING_SECRET: 'short' })).to.equal('invalid configuration: FEED_SIGNING_SECRET must be at least 32 characters long');
  });

  it('takes DELIVERY_CONCURRENCY 0: an instance that sends nothing', () => {
    expect(loadConfig({ ...REQUIRED, DELIVERY_CONCURRENCY: '0' }).delivery.concurrency).to.equal(0);
  });
});
