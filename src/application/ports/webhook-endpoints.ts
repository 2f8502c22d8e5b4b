/** What the webhook sender reads of a recipient's own endpoint, from the primary (it decides what is sent). */
export interface WebhookEndpoints {
  /**
   * The secrets a send to `url` for `userId` is signed with now: the current one, and the previous
   * one until its 24 hours are over. None when `url` is not the user's current, enabled endpoint
   * (it changed, was removed, or answered 410 since the notification was requested).
   */
  signingSecrets(userId: string, url: string): Promise<readonly string[]>;
}
