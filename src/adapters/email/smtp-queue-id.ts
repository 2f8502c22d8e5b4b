/*
 * The id a server gives an accepted message in its 250 reply to the end of data. SMTP does not
 * standardise the text, so only forms whose meaning is known are read; any other reply gives null
 * rather than a word of free text taken for an id.
 *
 *   Postfix, SendGrid, Mailjet   "250 2.0.0 Ok: queued as 4Tx1Lq0Z3Nz9"
 *   Exim                         "250 OK id=1rXyZa-0001Ab-2C"
 *   Sendmail                     "250 2.0.0 4AB1cDeF012345 Message accepted for delivery"
 *   Gmail                        "250 2.0.0 OK  1700000000 d9443c01a7336-1c9b - gsmtp"
 *   Outlook, Amazon SES          the Message-ID they replace ours with, read by nodemailer
 *                                itself (`serverMessageId`), preferred when present
 */

const ID = '([A-Za-z0-9][A-Za-z0-9._@-]{0,127})';
const QUEUE_ID_FORMS: readonly RegExp[] = [
  new RegExp(`^250[ -](?:2\\.\\d\\.\\d+ )?.*\\bqueued as:? <?${ID}>?`, 'i'),
  new RegExp(`^250[ -](?:2\\.\\d\\.\\d+ )?OK id=${ID}(?:\\s|$)`, 'i'),
  new RegExp(`^250[ -](?:2\\.\\d\\.\\d+ )?${ID} Message accepted for delivery`, 'i'),
  new RegExp(`^250[ -]2\\.0\\.0 OK\\s+\\d+\\s+${ID} - gsmtp\\s*$`, 'i'),
];
const MESSAGE_ID = /^<[^<>\s]{1,250}>$/;

/** The provider's id for an accepted message, or null when the reply names none we can read. */
export function providerMessageIdOf(response: string, serverMessageId?: unknown): string | null {
  if (typeof serverMessageId === 'string' && MESSAGE_ID.test(serverMessageId)) return serverMessageId;
  const reply = response.trim();
  for (const form of QUEUE_ID_FORMS) {
    const id = form.exec(reply)?.[1];
    if (id !== undefined) return id;
  }
  return null;
}
