import type { NotificationType } from '../../domain/notification-type.js';

export interface RenderedEmail {
  /** One line: CR and LF never appear in it. */
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

/** Caller-supplied wording (POST /notifications/send) that replaces the template's. */
export interface ContentOverride {
  readonly subject?: string | null;
  readonly content?: string | null;
}

/**
 * Renders a notification type's template with its variables. Links (`/verify/{token}`,
 * `/reset/{token}`) are built from the configured application base URL and the service name is
 * the configured one. Throws InvalidValueError naming the variable when a required one is missing.
 */
export interface NotificationRenderer {
  render(type: NotificationType, vars: Readonly<Record<string, unknown>>, override?: ContentOverride): RenderedEmail;
}
