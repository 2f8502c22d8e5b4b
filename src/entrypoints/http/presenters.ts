import type { RenderedContent } from '../../application/ports/channel-sender.js';
import type { NotificationView, PreferencesView } from '../../application/ports/read-models.js';

/** Application views → the snake_case wire format of the REST API (README "REST API"). */
export function preferencesJson(view: PreferencesView) {
  return {
    userid: view.userId,
    notification_email: view.notificationEmail,
    preferences: view.preferences,
    created_at: view.createdAt.toISOString(),
    updated_at: view.updatedAt.toISOString(),
  };
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
    template_version: view.templateVersion,
    expires_at: view.expiresAt?.toISOString() ?? null,
    created_at: view.createdAt.toISOString(),
    updated_at: view.updatedAt.toISOString(),
  };
}

export function renderedJson(key: string, { version, content }: { version: number; content: RenderedContent }) {
  return { key, version, ...content };
}
