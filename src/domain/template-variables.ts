import { InvalidValueError } from './errors.js';
import { forbiddenName } from './template-tags.js';

export const VARIABLE_TYPES = ['string', 'number', 'boolean', 'date', 'array', 'object'] as const;
export type VariableType = (typeof VARIABLE_TYPES)[number];

/** A variable a template declares: what a send or an event must (or may) carry for it. */
export interface TemplateVariable {
  readonly name: string;
  readonly type: VariableType;
  readonly required: boolean;
  /** A one-time secret (a token): erased from the notification once it is final. */
  readonly secret: boolean;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** A declared variable, checked: a plain name a template path can reach, a known type. */
export function templateVariable(raw: { name: string; type: string; required?: boolean; secret?: boolean }, field: string): TemplateVariable {
  if (!NAME.test(raw.name)) throw new InvalidValueError(`${field}.name`, 'must be a letter or _ followed by at most 63 letters, digits or _');
  const forbidden = forbiddenName(raw.name);
  if (forbidden) throw new InvalidValueError(`${field}.name`, forbidden);
  if (!(VARIABLE_TYPES as readonly string[]).includes(raw.type)) throw new InvalidValueError(`${field}.type`, `must be one of ${VARIABLE_TYPES.join(', ')}`);
  return { name: raw.name, type: raw.type as VariableType, required: raw.required ?? true, secret: raw.secret ?? false };
}
