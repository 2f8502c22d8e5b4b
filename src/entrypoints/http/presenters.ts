import type { PreferencesWritten, RotatedWebhookSecret } from '../../application/handler-types.js';
import type { RenderedContent } from '../../application/ports/channel-sender.js';
import type { NotificationView, PreferencesView } from '../../application/ports/read-models.js';

/** Application views → the snake_case wire format of the REST API (README "REST API"). */
export function preferencesJson(view: PreferencesView) {
  return {
    userid: view.userId,
    notification_email: view.notificationEmail,
    preferences: view.preferences,
    phone_number: view.phoneNumber,
    push_tokens: view.pushTokens,
    webhook_url: view.webhookUrl,
    webhook_disabled_at: view.webhookDisabledAt?.toISOString() ?? null,
    language: view.language,
    timezone: view.timeZone,
    quiet_hours: view.quietHours,
    channels: view.channels,
    overrides: view.overrides,
    created_at: view.createdAt.toISOString(),
    updated_at: view.updatedAt.toISOString(),
  };
}

/** A write's answer: the webhook secret it minted appears this once, and only when it minted one. */
export function writtenPreferencesJson(view: PreferencesWritten) {
  return { ...preferencesJson(view), ...(view.webhookSecret === null ? {} : { webhook_secret: view.webhookSecret }) };
}

export function rotatedSecretJson(rotated: RotatedWebhookSecret) {
  const { userId, webhookUrl, webhookSecret, previousExpiresAt } = rotated;
  return { userid: userId, webhook_url: webhookUrl, webhook_secret: webhookSecret, previous_expires_at: previousExpiresAt.toISOString() };
}

export function notificationJson(view: NotificationView) {
  return {
    id: view.id,
    userid: view.userId,
    type: view.type,
    channel: view.channel,
    recipient: view.recipient,
    subject: view.subject,
    priority: view.priority,
    status: view.status,
    reason: view.reason,
    attempts: view.attempts.map((a) => ({
      number: a.number,
      attempted_at: a.attemptedAt.toISOString(),
      outcome: a.outcome,
      response: a.response,
      error: a.error,
      latency_ms: a.latencyMs,
    })),
    deferrals: view.deferrals,
    next_attempt_at: view.nextAttemptAt?.toISOString() ?? null,
    retry_of: view.retryOf,
    fallback_of: view.fallbackOf,
    template_version: view.templateVersion,
    expires_at: view.expiresAt?.toISOString() ?? null,
    provider_message_id: view.providerMessageId,
    receipt: view.receipt && { status: view.receipt.status, error_code: view.receipt.errorCode, at: view.receipt.at.toISOString() },
    order_id: view.orderId,
    created_at: view.createdAt.toISOString(),
    updated_at: view.updatedAt.toISOString(),
  };
}

export function renderedJson(key: string, { version, content }: { version: number; content: RenderedContent }) {
  return { key, version, ...content };
}
