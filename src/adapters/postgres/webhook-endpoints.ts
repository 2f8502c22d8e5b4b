import type { Kysely } from 'kysely';
import type { Clock } from '../../application/ports/clock.js';
import type { WebhookEndpoints } from '../../application/ports/webhook-endpoints.js';
import { WebhookEndpoint } from '../../domain/webhook-endpoint.js';
import type { Database } from './database.js';

/** On a primary pool: a send must not be signed with a rotated-out secret, or go to a URL replaced since, because a standby lags. */
export class KyselyWebhookEndpoints implements WebhookEndpoints {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async signingSecrets(userId: string, url: string): Promise<readonly string[]> {
    const row = await this.db
      .selectFrom('notification_preferences')
      .select(['webhook_secret', 'webhook_previous_secret', 'webhook_previous_expires_at'])
      .where('user_id', '=', userId)
      .where('webhook_url', '=', url)
      .where('webhook_disabled_at', 'is', null)
      .executeTakeFirst();
    if (!row?.webhook_secret) return [];
    const { webhook_secret: secret, webhook_previous_secret: previousSecret, webhook_previous_expires_at: previousExpiresAt } = row;
    return WebhookEndpoint.restore({ url, secret, previousSecret, previousExpiresAt, disabledAt: null }).signingSecrets(this.clock.now());
  }
}
