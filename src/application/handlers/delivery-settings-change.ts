import { ChannelFlags } from '../../domain/channel-flags.js';
import { ChannelOverrides } from '../../domain/channel-overrides.js';
import type { DeliverySettingsInput } from '../../domain/commands.js';
import type { DeliverySettingsChange } from '../../domain/delivery-settings.js';
import { type FieldError, InvalidDeliverySettingsError, InvalidValueError, problemsOf } from '../../domain/errors.js';
import { Language } from '../../domain/language.js';
import { NotificationType } from '../../domain/notification-type.js';
import { QuietHours } from '../../domain/quiet-hours.js';
import { TimeZone } from '../../domain/time-zone.js';
import type { TemplateCatalogue } from '../ports/template-catalogue.js';

/**
 * A request's delivery settings as value objects (undefined: not given, null: cleared). Every
 * problem is reported at once; the catalogue is asked whether each overridden type exists only
 * when every value is well-formed.
 */
export async function deliverySettingsChange(input: DeliverySettingsInput, templates: TemplateCatalogue): Promise<DeliverySettingsChange> {
  const problems: FieldError[] = [];
  const checked = <T, V>(raw: T | null | undefined, make: (value: T) => V): V | null | undefined => {
    if (raw === null || raw === undefined) return raw as null | undefined;
    try {
      return make(raw);
    } catch (error) {
      if (!(error instanceof InvalidValueError)) throw error;
      problems.push(...problemsOf(error));
      return undefined;
    }
  };
  const change: DeliverySettingsChange = {
    language: checked(input.language, (v) => Language.of(v)),
    timeZone: checked(input.timeZone, (v) => TimeZone.of(v)),
    quietHours: checked(input.quietHours, (v) => QuietHours.of(v.start, v.end)),
    channels: checked(input.channels, (v) => ChannelFlags.of(v)),
    overrides: checked(input.overrides, (v) => ChannelOverrides.of(v)),
  };
  if (problems.length === 0 && change.overrides) problems.push(...(await unknownTypes(change.overrides, templates)));
  if (problems.length > 0) throw new InvalidDeliverySettingsError(problems);
  return change;
}

/** Each overridden type that is neither built in nor a template's key. */
async function unknownTypes(overrides: ChannelOverrides, templates: TemplateCatalogue): Promise<FieldError[]> {
  const known = await Promise.all(overrides.types.map(async (type) => NotificationType.isBuiltIn(type) || (await templates.live(type)) !== null));
  return overrides.types
    .filter((_, i) => !known[i])
    .map((type) => ({ field: `overrides.${type}`, message: 'is not a notification type: no built-in type or template has this key' }));
}
