import { PassThrough, pipeline, type Readable } from 'node:stream';
import type { Mail, SendMailOptions } from 'nodemailer';

/** Key of the per-send tracker in the sendMail options (nodemailer keeps unknown keys in `mail.data`). */
const DATA_PHASE_KEY = 'notificationDataPhase';

/**
 * Tells whether nodemailer has read the whole message stream. The SMTP connection reads it only
 * after DATA was answered 354 and writes the terminating "." right after its end, so once it has
 * been read to the end, a failure without a reply may have come after the server took the message.
 * nodemailer reports a drop the same way wherever it happens (command 'CONN'), hence this watch.
 */
export class DataPhase {
  messageHandedOver = false;

  /** The sendMail options carrying this tracker, for the plugin installed by watchDataPhases. */
  attachTo(options: SendMailOptions): SendMailOptions {
    const tracked: SendMailOptions & { [DATA_PHASE_KEY]: DataPhase } = { ...options, [DATA_PHASE_KEY]: this };
    return tracked;
  }

  observe(input: Readable): Readable {
    const output = new PassThrough();
    output.once('end', () => {
      this.messageHandedOver = true;
    });
    return pipeline(input, output, () => undefined);
  }
}

/** Installs the 'stream' plugin that lets each send's DataPhase watch the message stream. */
export function watchDataPhases(transport: Mail): void {
  transport.use('stream', (mail, done) => {
    const dataPhase = (mail.data as { [DATA_PHASE_KEY]?: unknown })[DATA_PHASE_KEY];
    if (dataPhase instanceof DataPhase) mail.message.processFunc((input) => dataPhase.observe(input));
    done();
  });
}
