import { execFile, execFileSync, spawnSync } from 'node:child_process'
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/** A Postgres server that lives only as long as the test run, in a temp dir on a unix socket. */
export interface PostgresCluster {
  readonly url: string
  readonly version: string
  /** `pg_ctl restart -m immediate` (a crash-like restart), without blocking this thread while it runs. */
  restart(): Promise<void>
  stop(): void
}

/** The directory of initdb/pg_ctl: pg_config's, else the newest Debian install, else PATH. */
export function findPostgresBinaries(): string | undefined {
  const fromPgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' })
  const candidates: string[] = []
  if (fromPgConfig.status === 0) candidates.push(fromPgConfig.stdout.trim())
  if (existsSync('/usr/lib/postgresql')) {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`))
  }
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' })
  if (onPath.status === 0) candidates.push(onPath.stdout.trim().replace(/\/initdb$/, ''))
  return candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')))
}

export interface ClusterOptions {
  /**
   * Keep the cluster's files here and reuse them on the next start (initdb only when the directory
   * has no cluster yet); without it they live in the temp dir and go with `stop()`.
   */
  readonly dataDir?: string
  /** More `-c name=value` server settings, after the defaults. */
  readonly settings?: readonly string[]
  /** pg_hba.conf lines put before initdb's (which trust every local user), e.g. to require a password. */
  readonly hba?: readonly string[]
}

/**
 * initdb + pg_ctl start in a fresh temp dir, listening only on a unix socket there. Postgres
 * refuses to run as root, so as root the server runs as the `postgres` user.
 */
export function startPostgresCluster(binDir: string, options: ClusterOptions = {}): PostgresCluster {
  const dir = mkdtempSync(join(tmpdir(), 'modelhub-pg-'))
  const asRoot = process.getuid?.() === 0
  const user = asRoot ? postgresUser() : undefined
  if (user) chownSync(dir, user.uid, user.gid)
  const run = (command: string, args: string[]) => {
    const [file, argv] = user
      ? ['runuser', ['-u', 'postgres', '--', join(binDir, command), ...args]]
      : [join(binDir, command), args]
    execFileSync(file, argv, { stdio: 'pipe', cwd: dir })
  }
  const runAsync = (command: string, args: string[]) => {
    const [file, argv] = user
      ? ['runuser', ['-u', 'postgres', '--', join(binDir, command), ...args]]
      : [join(binDir, command), args]
    return new Promise<void>((resolve, reject) =>
      execFile(file, argv, { cwd: dir }, (error) => (error ? reject(error) : resolve())),
    )
  }
  const data = options.dataDir ?? join(dir, 'data')
  const port = 20000 + Math.floor(Math.random() * 30000)
  if (!existsSync(join(data, 'PG_VERSION'))) {
    if (options.dataDir) {
      // initdb wants an empty directory its user owns.
      rmSync(data, { recursive: true, force: true })
      mkdirSync(dirname(data), { recursive: true })
      mkdirSync(data, { mode: 0o700 })
      if (user) chownSync(data, user.uid, user.gid)
    }
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'])
    if (options.hba) {
      const hba = join(data, 'pg_hba.conf')
      writeFileSync(hba, `${options.hba.join('\n')}\n${readFileSync(hba, 'utf8')}`)
    }
  }
  const extra = (options.settings ?? []).map((setting) => ` -c ${setting}`).join('')
  const settings = `-c listen_addresses='' -c unix_socket_directories='${dir}' -p ${port} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c jit=off -c max_connections=200${extra}`
  run('pg_ctl', ['-D', data, '-o', settings, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start'])
  const version = execFileSync(join(binDir, 'pg_ctl'), ['--version'], { encoding: 'utf8' }).trim()
  return {
    url: `postgresql://postgres@localhost:${port}/postgres?host=${encodeURIComponent(dir)}`,
    version,
    restart: () =>
      runAsync('pg_ctl', [
        '-D',
        data,
        '-o',
        settings,
        '-l',
        join(dir, 'server.log'),
        '-m',
        'immediate',
        '-w',
        'restart',
      ]),
    stop() {
      try {
        // A kept cluster shuts down cleanly, so its next start needs no recovery.
        run('pg_ctl', ['-D', data, '-m', options.dataDir ? 'fast' : 'immediate', '-w', 'stop'])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' })
  const uid = id('-u')
  if (uid.status !== 0)
    throw new Error(
      'running as root needs a "postgres" user to start the test server (apt-get install postgresql creates it)',
    )
  return { uid: Number(uid.stdout.trim()), gid: Number(id('-g').stdout.trim()) }
}
