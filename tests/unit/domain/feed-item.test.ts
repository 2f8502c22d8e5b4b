import { expect } from 'chai';
import { Feed } from '../../../src/domain/feed.js';
import { FeedItem, feedItemStatus } from '../../../src/domain/feed-item.js';
import { UserId } from '../../../src/domain/user-id.js';
import { aFeedItem, at } from '../mothers.js';

const times = (item: FeedItem) => {
  const { seenAt, readAt, archivedAt } = item.snapshot();
  return { seenAt, readAt, archivedAt };
};

describe('FeedItem', () => {
  it('reads an item: read and seen at that time, status read, FeedChanged for its owner', () => {
    const item = FeedItem.restore(aFeedItem());
    expect(item.change('read', at(10))).to.equal(true);
    expect(times(item)).to.deep.equal({ seenAt: at(10), readAt: at(10), archivedAt: null });
    expect(feedItemStatus(item.snapshot())).to.equal('read');
    expect(item.pullEvents()).to.deep.equal([{ type: 'FeedChanged', userId: 'user-1' }]);
  });

  it('keeps the first times: reading a read item, or archiving an archived one, changes nothing and raises nothing', () => {
    const item = FeedItem.restore(aFeedItem({ seenAt: at(1), readAt: at(2), archivedAt: at(3) }));
    expect([item.change('read', at(10)), item.change('archive', at(11))]).to.deep.equal([false, false]);
    expect(times(item)).to.deep.equal({ seenAt: at(1), readAt: at(2), archivedAt: at(3) });
    expect(item.pullEvents()).to.deep.equal([]);
  });

  it('reading an item seen earlier keeps when it was seen', () => {
    const item = FeedItem.restore(aFeedItem({ seenAt: at(1) }));
    item.change('read', at(10));
    expect(times(item)).to.deep.equal({ seenAt: at(1), readAt: at(10), archivedAt: null });
  });

  it('unreads an item, which stays seen; unreading an unread item changes nothing', () => {
    const item = FeedItem.restore(aFeedItem({ seenAt: at(1), readAt: at(2) }));
    expect(item.change('unread', at(10))).to.equal(true);
    expect(times(item)).to.deep.equal({ seenAt: at(1), readAt: null, archivedAt: null });
    expect(item.change('unread', at(11))).to.equal(false);
    expect(item.pullEvents()).to.have.length(1);
  });

  it('archives an item whatever its read state, and unarchiving brings that state back', () => {
    const item = FeedItem.restore(aFeedItem({ seenAt: at(1), readAt: at(2) }));
    item.change('archive', at(10));
    expect(feedItemStatus(item.snapshot())).to.equal('archived');
    expect(item.change('unarchive', at(11))).to.equal(true);
    expect(times(item)).to.deep.equal({ seenAt: at(1), readAt: at(2), archivedAt: null });
    expect(feedItemStatus(item.snapshot())).to.equal('read');
    expect(item.change('unarchive', at(12))).to.equal(false);
  });

  it('archives an unread item as it is: unarchived, it is unread again', () => {
    const item = FeedItem.restore(aFeedItem());
    item.change('archive', at(10));
    item.change('unarchive', at(11));
    expect(feedItemStatus(item.snapshot())).to.equal('unread');
  });
});

describe('Feed', () => {
  it('raises FeedChanged for a bulk change that touched items, and nothing for one that touched none', () => {
    const feed = new Feed(UserId.of('user-1'));
    expect(feed.changed(0)).to.equal(0);
    expect(feed.pullEvents()).to.deep.equal([]);
    expect(feed.changed(3)).to.equal(3);
    expect(feed.pullEvents()).to.deep.equal([{ type: 'FeedChanged', userId: 'user-1' }]);
  });
});
