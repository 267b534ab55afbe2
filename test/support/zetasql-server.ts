/**
 * The ZetaSQL reference implementation's server, started by the global setup. It imports no
 * workspace package: vitest resolves a global setup's imports without the source condition.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import zetasql from '@fivetrandevelopers/zetasql'

const require = createRequire(import.meta.url)

/** The server binary for this machine, or undefined where the package ships none. */
export function zetaSqlBinary(): string | undefined {
  if (process.platform !== 'linux' && process.platform !== 'darwin') return undefined
  const lib = dirname(require.resolve('@fivetrandevelopers/zetasql'))
  const arm = process.arch === 'arm64' ? '_arm' : ''
  const file = join(lib, 'zetasql', `remote_server${arm}${process.platform === 'linux' ? '.so' : ''}`)
  return existsSync(file) ? file : undefined
}

/** Whether the time zone database ZetaSQL needs for 'UTC' is installed. */
export function hasTzdata(): boolean {
  return existsSync('/usr/share/zoneinfo/UTC')
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

export interface ZetaSqlServer {
  readonly port: number
  stop(): void
}

/** Starts the server on a free loopback port and waits until it answers. */
export async function startZetaSqlServer(binary: string): Promise<ZetaSqlServer> {
  const port = await freePort()
  const child: ChildProcess = spawn(binary, ['127.0.0.1', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000)
  })
  zetasql.ZetaSQLClient.init(port)
  const ok = await zetasql.ZetaSQLClient.getInstance().testConnection()
  if (!ok) {
    child.kill('SIGKILL')
    throw new Error(`the ZetaSQL server did not start on 127.0.0.1:${port}:\n${log}`)
  }
  zetasql.ZetaSQLClient.API.close()
  return {
    port,
    stop: () => {
      child.kill('SIGKILL')
    },
  }
}
