import type { AuditAction, AuditTarget } from '../../domain/audit.js';
import type { CommandOf, CommandType } from '../../domain/commands.js';
import type { CommandHandler, CommandResults } from '../handler-types.js';
import type { Clock } from '../ports/clock.js';

type ActingType = { [K in CommandType]: CommandOf<K> extends { readonly actor?: string } ? K : never }[CommandType];

/**
 * Wraps the handler of an admin action: when the command names the key that asked for it (REST),
 * one audit entry is written in the handler's own transaction, after it succeeded. A failed
 * action rolls back and leaves no entry; the service's own commands (no actor) leave none, nor does
 * an action that changed nothing (`targetOf` answers null: a chunk of a replay by filter that
 * replayed none).
 */
export function audited<K extends ActingType>(
  clock: Clock,
  action: AuditAction,
  targetOf: (command: CommandOf<K>, result: CommandResults[K]) => AuditTarget | null,
  handler: CommandHandler<K>,
): CommandHandler<K> {
  return async (command, uow) => {
    const result = await handler(command, uow);
    const { actor } = command as { readonly actor?: string };
    const target = actor === undefined ? null : targetOf(command, result);
    if (actor !== undefined && target !== null) await uow.audit.record({ action, keyId: actor, target, at: clock.now() });
    return result;
  };
}
