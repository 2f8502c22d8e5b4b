import type { NotificationSnapshot } from '../../domain/notification-request.js';
import type { RenderedContent } from './channel-sender.js';
import type { TemplateRelease } from './template-catalogue.js';

/** A render without a notification: a preview, or a notification's own fields. */
export interface PreviewRequest {
  readonly channel: string;
  readonly locale: string | null;
  /** Where the date helpers render (the recipient's time zone); absent or null: UTC. */
  readonly timeZone?: string | null;
  readonly variables: Readonly<Record<string, unknown>>;
  /** The sender's own wording, used instead of the template's when given. */
  readonly subject?: string | null;
  readonly body?: string | null;
  /** The notification a webhook's default envelope names (a preview has none). */
  readonly envelope?: { readonly notificationId: string | null; readonly type: string; readonly createdAt: string };
}

/**
 * Renders a notification for its channel: its type's template (the version it was recorded with)
 * with its variables, or the wording its sender supplied (subject, body). Throws InvalidValueError
 * naming what is wrong when it cannot: such a notification can never be sent.
 */
export interface NotificationRenderer {
  render(notification: NotificationSnapshot): Promise<RenderedContent>;
  /** The same render for a given template version, without sending anything. */
  preview(release: TemplateRelease, request: PreviewRequest): RenderedContent;
}
