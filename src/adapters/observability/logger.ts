import { pino, type Logger } from 'pino';
import { currentCorrelationId } from './correlation.js';

export type { Logger };

/** Paths whose values never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.apiKey',
  '*.api_key',
  '*.key',
  '*.secret',
  '*.token',
  '*.authToken',
  '*.privateKey',
  '*.private_key',
  '*.accessToken',
  '*.access_token',
  '*.webhookSecret',
  '*.webhook_secret',
  '*.signingSecret',
  'req.headers["x-twilio-signature"]',
  'config.adminApiKey',
  'config.smtp.password',
  'config.sms.authToken',
  'config.webhook.signingSecret',
  'config.stream.feedSigningSecret',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'notification-service' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // "level":"info", not 30: readable by people and by log tools without pino's number table.
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      mixin() {
        const correlationId = currentCorrelationId();
        return correlationId ? { correlation_id: correlationId } : {};
      },
    },
    // Asynchronous writes (flushed synchronously at exit): a log line never blocks the event loop
    // on a slow stdout reader, and lines written in one tick leave in one write.
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
