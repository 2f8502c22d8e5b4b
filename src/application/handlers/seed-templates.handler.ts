import { Template } from '../../domain/template.js';
import type { CommandHandler } from '../handler-types.js';
import type { Clock } from '../ports/clock.js';

/**
 * Stores each shipped template as version 1 of its type, once: a type already stored is left as
 * it is (an admin's later versions stand). Two instances starting together race on the keys: the
 * loser's transaction fails with TemplateAlreadyExistsError, and running it again finds them all.
 */
export function seedTemplates(clock: Clock): CommandHandler<'SeedTemplates'> {
  return async ({ templates }, uow) => {
    const stored: string[] = [];
    for (const { key, definition } of templates) {
      if (await uow.templates.get(key)) continue;
      await uow.templates.add(Template.builtIn(key, definition, clock.now()));
      stored.push(key);
    }
    return stored;
  };
}
