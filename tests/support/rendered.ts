import type { RenderedContent, RenderedFor } from '../../src/application/ports/channel-sender.js';
import type { Channel } from '../../src/domain/notification-type.js';

/** The rendered content, checked to be the given channel's (a test fails here rather than reading undefined fields). */
export function renderedAs<C extends Channel>(channel: C, content: RenderedContent): RenderedFor<C> {
  if (content.channel !== channel) throw new Error(`expected ${channel} content, got ${content.channel}`);
  return content as RenderedFor<C>;
}
