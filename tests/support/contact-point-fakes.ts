import type { SecretGenerator } from '../../src/application/ports/secret-generator.js';
import type { SuppressionFilter, SuppressionPage, SuppressionReadModel } from '../../src/application/ports/suppressions.js';
import type { WebhookUrlPolicy } from '../../src/application/ports/webhook-url-policy.js';
import { InvalidValueError } from '../../src/domain/errors.js';
import type { InMemoryStore } from './fakes.js';

/** Secrets in the real format, numbered: whsec_ and the base64 of 32 bytes, the last one counting up. */
export class SequentialSecrets implements SecretGenerator {
  private next = 1;

  webhookSecret(): string {
    const bytes = Buffer.alloc(32);
    bytes.writeUInt32BE(this.next++, 28);
    return `whsec_${bytes.toString('base64')}`;
  }
}

/** Refuses the hosts it is told are private, as the DNS check would; asked URLs are recorded. */
export class FakeWebhookUrlPolicy implements WebhookUrlPolicy {
  readonly asked: string[] = [];

  constructor(private readonly privateHosts: readonly string[] = ['internal.example']) {}

  async check(url: string): Promise<void> {
    this.asked.push(url);
    if (this.privateHosts.includes(new URL(url).hostname)) throw new InvalidValueError('webhook_url', 'resolves to a private network address');
  }
}

export class FakeSuppressionReadModel implements SuppressionReadModel {
  constructor(private readonly store: InMemoryStore) {}

  async page(filter: SuppressionFilter, page: number, size: number): Promise<SuppressionPage> {
    const matching = [...this.store.suppressions.values()]
      .filter((s) => (filter.channel === null || s.channel === filter.channel) && (filter.address === null || s.address === filter.address))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id.localeCompare(a.id));
    return { suppressions: matching.slice((page - 1) * size, page * size), total: matching.length };
  }
}
