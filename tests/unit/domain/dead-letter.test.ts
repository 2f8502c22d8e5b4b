import { expect } from 'chai';
import { replayHeaders } from '../../../src/domain/dead-letter.js';

const ID = '0b8a4f3c-5a9e-4f5e-9d0c-1f2e3d4c5b6a';

describe('the headers a dead letter is replayed with', () => {
  it('leaves out CC and BCC: a replay goes where its routing key says, not to the queues they name', () => {
    expect(replayHeaders({ trace: 't', CC: ['billing.x'], BCC: ['audit.y'], cc: 'kept: RabbitMQ reads CC only' }, ID)).to.deep.equal({ trace: 't', cc: 'kept: RabbitMQ reads CC only', 'x-replayed-from': ID });
  });

  it("leaves out the headers a death added and the previous replay's mark, and names the dead letter it replays", () => {
    const headers = { trace: 't', 'x-death': [], 'x-dead-letter-reason': 'unparseable', 'x-original-exchange': '', 'x-replayed-from': 'old', 'x-first-death-queue': 'q' };
    expect(replayHeaders(headers, ID)).to.deep.equal({ trace: 't', 'x-replayed-from': ID });
  });
});
