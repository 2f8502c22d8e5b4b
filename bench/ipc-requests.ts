import type { ChildProcess } from 'node:child_process';

/**
 * Requests to a process of the harness's (forked by children.ts) over its IPC channel: each
 * request carries an id, the child's reply carries it back. Requests still waiting when the child
 * exits fail rather than hang the run.
 */
export class IpcRequests<Command extends object, Reply extends { readonly id: number }> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();

  constructor(
    private readonly child: ChildProcess,
    private readonly what: string,
  ) {
    child.on('message', (reply: Reply) => {
      this.pending.get(reply.id)?.resolve(reply);
      this.pending.delete(reply.id);
    });
    child.once('exit', (code) => {
      for (const { reject } of this.pending.values()) reject(new Error(`${what} exited (${code}) before it answered`));
      this.pending.clear();
    });
  }

  request(command: Command): Promise<Reply> {
    if (!this.child.connected) return Promise.reject(new Error(`the ${this.what} process is gone`));
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, ...command });
    });
  }
}
