import type { SmsSettings } from '../../adapters/sms/sms-settings.js';
import { verifyTwilioSignature } from '../../adapters/sms/twilio-signature.js';
import type { AppContainer } from '../bootstrap.js';
import type { HttpDeps } from '../http/http-deps.js';

/** What the HTTP app is given out of the container: the composition root picks, the routes never reach in. */
export function httpDepsOf(app: AppContainer): HttpDeps {
  const secrets = app.get('apiKeySecrets');
  return {
    bus: app.get('bus'),
    queries: {
      history: app.get('historyQuery'),
      notifications: app.get('notificationSearchQuery'),
      preferences: app.get('preferencesQuery'),
      templates: app.get('templatesQuery'),
      schedules: app.get('schedulesQuery'),
      suppressions: app.get('suppressionsQuery'),
      feed: app.get('feedQuery'),
      deadLetters: app.get('deadLettersQuery'),
      audit: app.get('auditQuery'),
      analytics: app.get('analyticsQuery'),
    },
    bulkRetry: app.get('bulkRetry'),
    eventBindings: app.get('config').amqp?.bindings ?? null,
    schedules: app.get('scheduleSends'),
    streamTickets: app.get('streamTickets'),
    authenticator: app.get('authenticator'),
    health: app.get('health'),
    readiness: app.get('readiness'),
    metrics: app.get('metrics'),
    logger: app.get('logger'),
    callerOf: (authorization) => secrets.hash(authorization).slice(0, 16),
    bodyLimitBytes: app.get('config').httpBodyLimitBytes,
    smsStatusSignature: smsStatusSignature(app.get('config').sms),
  };
}

/** Twilio signs a callback with the auth token over the public URL it called (SMS_STATUS_CALLBACK_URL). */
function smsStatusSignature(sms: SmsSettings | undefined): HttpDeps['smsStatusSignature'] {
  const url = sms?.statusCallbackUrl;
  if (!sms || !url) return null;
  return (params, signature) => verifyTwilioSignature(sms.authToken, url, params, signature);
}
