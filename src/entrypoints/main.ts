import { CHANNELS } from '../domain/notification-type.js';
import { FatalBrokerError } from '../adapters/rabbitmq/amqp-session.js';
import { AppContainer } from './bootstrap.js';
import { ConfigError, type Config, loadConfig } from './config.js';
import { httpDepsOf } from './composition/http-deps.js';
import { streamGatewayOf } from './composition/stream-gateway-deps.js';
import { HttpServer } from './http-server.js';
import { seedShippedTemplates } from './seed-templates.js';

/** Exit status for a configuration the service cannot run with (EX_CONFIG). */
const EXIT_CONFIG = 78;

function configOrExit(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  const app = new AppContainer(config);
  const logger = app.get('logger');
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  app.get('lifecycle').onFatal = (error) => {
    logger.fatal({ err: error }, error.message);
    console.error(error.message);
    process.exit(error instanceof FatalBrokerError ? EXIT_CONFIG : 1);
  };

  await seedShippedTemplates(app.get('bus'), app.get('templatesDir'), logger);
  const streams = streamGatewayOf(app);
  const http = new HttpServer(httpDepsOf(app), { port: config.port, host: config.host }, streams);
  const address = await http.start();
  logger.info({ port: address.port, host: address.address }, 'notification service listening');
  const broker = app.get('broker');
  await broker?.session.start();
  // After the main topology: the stream relay binds to the events exchange it declares.
  await app.get('streamBroker')?.session.start();
  streams.start();
  app.get('outboxRelay')?.start();
  app.get('deliveryWorker')?.start();
  app.get('retentionWorker').start();
  app.get('scheduleWorker').start();
  if (!broker) logger.warn('RABBITMQ_URL is not set: no events are consumed and no outcome events are published');
  if (config.delivery.concurrency === 0) logger.warn('DELIVERY_CONCURRENCY is 0: this instance sends nothing (other instances deliver)');
  if (!config.stream.feedSigningSecret) logger.warn('FEED_SIGNING_SECRET is not set: user WebSocket streams are refused (403)');
  const unconfigured = CHANNELS.filter((channel) => !app.get('configuredChannels').has(channel));
  if (unconfigured.length > 0) logger.warn({ channels: unconfigured }, 'channels without a provider: their notifications are recorded suppressed (channel_not_configured)');

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting at once');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ timeout_ms: config.shutdownTimeoutMs }, 'shutdown took too long: exiting');
      process.exit(1);
    }, config.shutdownDrainDelayMs + config.shutdownTimeoutMs + 1_000);
    // Stop taking work first, finish and record what is in flight, then close connections (the
    // streams with 1001 before the listener closes).
    app.get('lifecycle').shuttingDown = true;
    const httpStopped = http.stop(config.shutdownDrainDelayMs, config.shutdownTimeoutMs);
    // At once, not one after another: a part slow to finish must not keep the others running.
    const workers = [broker?.consumer, broker?.deadLetters, app.get('deliveryWorker'), app.get('outboxRelay'), app.get('retentionWorker'), app.get('scheduleWorker')];
    await Promise.allSettled(workers.map((worker) => worker?.stop()));
    const outcome = await httpStopped;
    await app.get('streamBroker')?.session.close();
    await broker?.session.close();
    await app.get('smtpTransport')?.close();
    await app.get('smsTransport')?.close();
    await app.get('pushTransport')?.close();
    await app.get('webhookTransport').close();
    await app.close();
    clearTimeout(deadline);
    logger.info({ outcome }, 'stopped');
    process.exit(outcome === 'drained' ? 0 : 1);
  };
  process.on('SIGTERM', (signal) => void shutdown(signal));
  process.on('SIGINT', (signal) => void shutdown(signal));
}

main().catch((error: unknown) => {
  console.error('notification service failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
