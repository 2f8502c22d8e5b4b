/**
 * Where a recipient's webhook may point, beyond its syntax (WebhookUrl): a host that resolves to a
 * loopback, private, link-local or metadata address is refused unless the operator allows private
 * networks. Asked by every handler that sets a webhook_url.
 */
export interface WebhookUrlPolicy {
  /** Resolves when `url` may be used; throws InvalidValueError('webhook_url', reason) when not. */
  check(url: string): Promise<void>;
}
