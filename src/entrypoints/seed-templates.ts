import { setTimeout as sleep } from 'node:timers/promises';
import { backoffDelay } from '../application/backoff.js';
import type { MessageBus } from '../application/message-bus.js';
import type { Logger } from '../adapters/observability/logger.js';
import { isUnavailable } from '../adapters/postgres/pool.js';
import { shippedTemplates } from '../adapters/templates/built-in-templates.js';
import { TemplateAlreadyExistsError } from '../domain/errors.js';

/** Seeding at start waits this long for the database before the service gives up starting. */
const GIVE_UP_AFTER_MS = 30_000;

/**
 * Stores the shipped templates of the built-in types as version 1 of each type not stored yet,
 * before the service takes requests or events. Another instance seeding at the same moment, or a
 * database not up yet, is waited out and tried again.
 */
export async function seedShippedTemplates(bus: MessageBus, templatesDir: string, logger: Logger): Promise<void> {
  const templates = shippedTemplates(templatesDir);
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const stored = await bus.handle({ type: 'SeedTemplates', templates });
      if (stored.length > 0) logger.info({ templates: stored }, 'stored the shipped templates as version 1');
      return;
    } catch (error) {
      const again = error instanceof TemplateAlreadyExistsError || isUnavailable(error);
      if (!again || Date.now() - started > GIVE_UP_AFTER_MS) throw error;
      await sleep(backoffDelay(attempt, { initialMs: 100, maxMs: 2_000 }));
    }
  }
}
