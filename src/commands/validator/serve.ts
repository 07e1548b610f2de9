import { Flags } from '@oclif/core'
import { BaseCommand, signerFlags } from '../../cli/baseCommand.js'
import { AuditServer, type AuditServerInfo } from '../../core/verify/auditServer.js'

export default class ValidatorServe extends BaseCommand<typeof ValidatorServe> {
  static override summary = "Take clients' receipts for audit: replay each against the registered weights, record the verdict, challenge a cheat."
  static override description = `Clients hand this endpoint receipts of their own traffic (\`modeldao chat --audit 0.05 --auditor <url>\`, or POST /v1/audits with a signed receipt and its exchange, as \`chat --receipt\` writes it). Each is checked against what the client sent and received and against the registered weights, replayed on the verification profile (one at a time), recorded against the node (\`node list\` shows it) and, with --challenge, a mismatching channel-paid receipt is challenged from this account.

Audited traffic is real traffic: a node cannot serve it differently from the rest. Listens on 127.0.0.1 unless --host says otherwise.`
  static override examples = ['<%= config.bin %> <%= command.id %> --port 8100 --challenge --dev-account 4', '<%= config.bin %> <%= command.id %> --weights ./weights --json']
  static override flags = {
    ...signerFlags,
    host: Flags.string({ summary: 'Bind address.', default: '127.0.0.1' }),
    port: Flags.integer({ summary: 'Port (0: any free port).', default: 8100, min: 0, max: 65535 }),
    weights: Flags.string({ summary: 'A local copy of the registered weights instead of fetching them.' }),
    challenge: Flags.boolean({ summary: 'Challenge a mismatching channel-paid receipt (posts the bond from this account).', default: false }),
  }

  async run(): Promise<AuditServerInfo> {
    const server = new AuditServer(this.ctx, {
      host: this.flags.host,
      port: this.flags.port,
      weights: this.flags.weights,
      challenge: this.flags.challenge,
      onAudit: (a) => this.log(`${a.verdict === 'match' ? 'match   ' : 'MISMATCH'} receipt ${a.receiptId} of ${a.operator}${a.reasons.length ? ` (${a.reasons.join(', ')})` : ''}${a.challengeId ? `; challenge ${a.challengeId} filed` : ''}`),
    })
    const info = await this.serve(server, (ready) => {
      this.log(`Auditing receipts at ${ready.url}/v1/audits${this.flags.challenge ? ', challenging mismatches' : ''}`)
      if (ready.host !== '127.0.0.1' && ready.host !== 'localhost' && ready.host !== '::1') this.warn(`Listening on ${ready.host}: reachable from other machines.`)
      this.log('Ctrl-C to stop.')
    })
    this.log('Stopped.')
    return info
  }
}
