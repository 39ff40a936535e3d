// Throwaway PostgreSQL clusters made with Debian's postgresql-common tools
// (pg_createcluster, pg_ctlcluster, pg_dropcluster), on free ports, for tests
// that must stop or promote a server. They never touch the main cluster.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './pgbouncer.ts';

const POSTGRES_LIB = '/usr/lib/postgresql';

export interface Cluster {
  readonly name: string;
  readonly port: number;
  readonly dataDir: string;
  readonly url: (database: string) => string;
  start(): void;
  /** `immediate` is a crash as far as clients and replication can tell. */
  stop(mode?: 'fast' | 'immediate'): void;
  promote(): void;
  drop(): void;
}

/** Why clusters cannot be made here, or undefined when they can. */
export function clustersUnavailable(): string | undefined {
  if (!existsSync('/usr/bin/pg_createcluster') || !existsSync(POSTGRES_LIB)) {
    return "Debian's postgresql-common (pg_createcluster) is not installed";
  }
  if (process.getuid?.() !== 0) return 'making a PostgreSQL cluster needs root';
  return undefined;
}

function version(): string {
  const versions = readdirSync(POSTGRES_LIB).sort((a, b) => Number(b) - Number(a));
  const newest = versions[0];
  if (newest === undefined) throw new Error(`no PostgreSQL under ${POSTGRES_LIB}`);
  return newest;
}

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}${result.stdout}`);
  }
  return result.stdout;
}

const TRUST_LOOPBACK = [
  'local all all trust',
  'host all all 127.0.0.1/32 trust',
  'host replication all 127.0.0.1/32 trust',
  '',
].join('\n');

/**
 * A new, stopped cluster on a free port that trusts loopback (replication
 * too). `settings` go into its postgresql.conf. With `standbyOf`, its data
 * directory is a base backup of that running cluster, streaming from it.
 */
export async function createCluster(
  label: string,
  settings: Record<string, string>,
  standbyOf?: { cluster: Cluster; applicationName: string },
): Promise<Cluster> {
  const pg = version();
  const name = `todochat_${label}_${randomBytes(4).toString('hex')}`;
  const port = await freePort();
  run('pg_createcluster', ['--start-conf=manual', '-p', String(port), pg, name]);
  const configDir = `/etc/postgresql/${pg}/${name}`;
  const dataDir = `/var/lib/postgresql/${pg}/${name}`;
  const cluster: Cluster = {
    name,
    port,
    dataDir,
    url: (database) => `postgres://postgres@127.0.0.1:${String(port)}/${database}`,
    start: () => run('pg_ctlcluster', ['--skip-systemctl-redirect', pg, name, 'start']),
    stop: (mode = 'fast') =>
      run('pg_ctlcluster', ['--skip-systemctl-redirect', pg, name, 'stop', '-m', mode]),
    promote: () => run('pg_ctlcluster', ['--skip-systemctl-redirect', pg, name, 'promote']),
    drop: () => {
      spawnSync('pg_dropcluster', ['--stop', pg, name], { encoding: 'utf8' });
      // pg_dropcluster leaves behind configuration files it did not write.
      rmSync(configDir, { recursive: true, force: true });
    },
  };
  try {
    writeFileSync(join(configDir, 'pg_hba.conf'), TRUST_LOOPBACK);
    const lines = Object.entries({
      listen_addresses: "'127.0.0.1'",
      shared_buffers: "'16MB'",
      max_connections: '60',
      ...settings,
    }).map(([key, value]) => `${key} = ${value}`);
    writeFileSync(join(configDir, 'conf.d', 'todochat-test.conf'), `${lines.join('\n')}\n`);
    if (standbyOf !== undefined) {
      // Emptied, not removed: only root may create directories here.
      for (const entry of readdirSync(dataDir)) {
        rmSync(join(dataDir, entry), { recursive: true, force: true });
      }
      run('runuser', [
        '-u',
        'postgres',
        '--',
        `${POSTGRES_LIB}/${pg}/bin/pg_basebackup`,
        '-D',
        dataDir,
        '-X',
        'stream',
        // Without it the backup waits for a spread checkpoint: minutes.
        '--checkpoint=fast',
        '-R',
        // -R writes these into primary_conninfo; the name is what
        // synchronous_standby_names refers to.
        '-d',
        `host=127.0.0.1 port=${String(standbyOf.cluster.port)} user=postgres application_name=${standbyOf.applicationName}`,
      ]);
    }
  } catch (error) {
    cluster.drop();
    throw error;
  }
  return cluster;
}
