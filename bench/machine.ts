import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Meta } from './results.js';

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { encoding: 'utf8' }).trim();
  } catch {
    return '';
  }
}

/** Where and with what the figures were measured. */
export function describeRun(runId: string, servers: { postgres: string; rabbitmq: string }, settings: Meta['settings']): Meta {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    runId,
    machine: {
      cpu: cpus[0]?.model.trim() ?? 'unknown',
      cores: cpus.length,
      memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      os: `${os.type()} ${os.release()} ${os.arch()}`,
    },
    versions: {
      node: process.versions.node,
      postgresql: servers.postgres,
      rabbitmq: servers.rabbitmq,
      nodemailer: packageVersion('nodemailer'),
      'smtp-server': packageVersion('smtp-server'),
      amqplib: packageVersion('amqplib'),
      pg: packageVersion('pg'),
      express: packageVersion('express'),
      autocannon: packageVersion('autocannon'),
    },
    git: { commit: git(['rev-parse', '--short', 'HEAD']) || 'unknown', dirty: git(['status', '--porcelain', '--', 'src', 'templates']) !== '' },
    settings,
  };
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU time (user + system) of one process so far, in ms. */
export function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/** Busy and total CPU time of the whole machine so far (all cores), in ticks. */
export function machineTicks(): { busy: number; total: number } {
  const [, ...values] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/);
  const ticks = values.map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: total - idle, total };
}
