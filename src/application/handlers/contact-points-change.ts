import type { ContactPointInput } from '../../domain/commands.js';
import type { ContactPointsChange } from '../../domain/contact-points.js';
import { DeviceTokens } from '../../domain/device-tokens.js';
import { PhoneNumber } from '../../domain/phone-number.js';
import { WebhookUrl } from '../../domain/webhook-url.js';
import type { SecretGenerator } from '../ports/secret-generator.js';
import type { WebhookUrlPolicy } from '../ports/webhook-url-policy.js';

export interface ContactPointDeps {
  readonly secretGenerator: SecretGenerator;
  readonly webhookUrlPolicy: WebhookUrlPolicy;
}

/**
 * A request's contact points as value objects (undefined: not given, null: cleared). Every field's
 * syntax is checked before the webhook URL policy (a DNS lookup) is asked.
 */
export async function contactPointsChange(input: ContactPointInput, deps: ContactPointDeps): Promise<ContactPointsChange> {
  const phoneNumber = input.phoneNumber == null ? input.phoneNumber : PhoneNumber.of(input.phoneNumber, 'phone_number');
  const pushTokens = input.pushTokens === undefined ? undefined : DeviceTokens.of(input.pushTokens ?? [], 'push_tokens');
  if (input.webhookUrl == null) return { phoneNumber, pushTokens, webhookUrl: input.webhookUrl };
  const webhookUrl = WebhookUrl.of(input.webhookUrl, 'webhook_url');
  await deps.webhookUrlPolicy.check(webhookUrl.value);
  return { phoneNumber, pushTokens, webhookUrl, mintSecret: () => deps.secretGenerator.webhookSecret() };
}
