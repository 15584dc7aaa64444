// `conclave daemon`: one long-running node joined to all rooms, serving the local HTTP API on a
// Unix socket (0600) in the home dir; send, listen and status use it automatically.
import { join } from 'node:path'
import { ConclaveError, UsageError } from '../../errors.js'
import { defineCommand } from '../command.js'
import { untilSignal } from '../signals.js'

export const daemonCommand = defineCommand({
  command: 'daemon',
  describe: 'run the node in the foreground, joined to all rooms, serving a local control socket',
  builder: y => y
    .option('http', { type: 'string', describe: 'also serve the API on HOST:PORT (always with a bearer token: --token, or one generated into http.token in the home)' })
    .option('token', { type: 'string', describe: 'bearer token (16+ characters) required on --http (use CONCLAVE_TOKEN to keep it off the command line)' })
    .example('$0 daemon', 'then `conclave send ops hi` goes through it in a few milliseconds')
    .example('CONCLAVE_TOKEN=… $0 daemon --http 0.0.0.0:8080', 'the API on the network, for clients sending "Authorization: Bearer …"')
    .example('curl --unix-socket ~/.local/share/conclave/conclave.sock -d "disk full" http://localhost/ops', 'publish with curl (headers Title, Priority, Tags)'),
  async run (ctx, args: { http?: string, token?: string }) {
    const http = args.http === undefined ? undefined : parseHostPort(args.http)
    const { MIN_TOKEN_LENGTH, loadOrCreateToken } = await import('../../client/http-guard.js')
    if (http !== undefined && args.token !== undefined && (args.token.length < MIN_TOKEN_LENGTH || /\s/.test(args.token))) {
      throw new UsageError(`--token (or CONCLAVE_TOKEN) must be at least ${MIN_TOKEN_LENGTH} characters, without spaces`, { hint: 'leave it out and the daemon generates one in http.token in its home' })
    }
    const { daemonClient } = await import('../daemon-client.js')
    const running = await daemonClient(ctx)
    running?.close()
    if (running !== undefined) throw new ConclaveError(`a daemon is already running for ${ctx.globals.home}`, { hint: "stop it first, or use 'conclave status'" })
    const { withSession } = await import('../node.js')
    const { DaemonApi, SOCKET_FILE } = await import('../daemon-api.js')
    const { statusInfo } = await import('../status-info.js')
    await withSession(ctx, { network: true, longRunning: true }, async ({ service, transport }) => {
      await service.start()
      const socketPath = join(ctx.globals.home, SOCKET_FILE)
      const api = new DaemonApi({ service, status: async () => statusInfo(service, transport!, true) as unknown as Record<string, unknown>, warn: m => { ctx.out.warn(m) } }, { socketPath })
      await api.listen()
      if (http !== undefined) {
        const file = args.token === undefined ? loadOrCreateToken(ctx.globals.home) : undefined
        const where = await api.listenHttp(http.host, http.port, args.token ?? file!.token)
        const which = file === undefined ? 'the one given' : `${file.created ? 'generated in' : 'see'} ${file.path}`
        ctx.out.info(`conclave: HTTP API on http://${where} (bearer token required: ${which})`)
      }
      ctx.out.info(`conclave: daemon for ${service.identity.name} on ${socketPath} (${service.rooms().length} room(s)); peer ${transport!.peerId}`)
      const signal = await untilSignal()
      ctx.out.info(`conclave: ${signal}: leaving`)
      await api.close()
    })
  }
})

function parseHostPort (text: string): { host: string, port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(text)
  const port = Number(m?.[3])
  if (m === null || !Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--http expects HOST:PORT, e.g. 127.0.0.1:8080, got '${text}'`)
  return { host: m[1] ?? m[2]!, port }
}
