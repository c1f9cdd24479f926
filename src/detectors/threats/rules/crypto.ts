import { command, pattern } from '../engine.ts'
import { HIDDEN_COMPONENT, MINER_NAMES, POOL_DOMAIN, POOL_PORTS_STRONG, POOL_PORTS_WEAK, TEMP_DIR } from '../lists.ts'
import type { ProcessFacts, Rule } from '../types.ts'
import { untrustedExecutable } from './paths.ts'

const MINER_COMMAND = command([...MINER_NAMES])
/** Options only miners take (xmrig, cpuminer, t-rex, lolminer, nbminer). */
const MINER_OPTIONS =
  /--donate-level\b|--randomx-\w+|--cpu-max-threads-hint|--max-cpu-usage|--rig-id\b|--nicehash\b|(?:^|\s)(?:-a|--algo)[\s=](?:rx\/\w+|randomx|cryptonight\S*|cn\/\w+|cn-\w+|kawpow|ethash|etchash|autolykos2?|argon2\w*|ghostrider|yescrypt\w*|x16r\w*|scrypt|sha256d|equihash\S*|octopus|kheavyhash|blake3)\b|--coin[\s=](?:monero|xmr|etc|rvn|ergo|zeph|xmv|kas)\b|\s--(?:pool|wallet)[\s=]\S+|\s-o\s+\S+:\d{4,5}\s[^;|&]*\s-u\s+\S+/i
/** Monero (4.../8..., 95 base58 characters) or a wallet given to a miner-style -u/--user/--wallet. */
const WALLET = /\b[48][0-9AB][1-9A-HJ-NP-Za-km-z]{93}\b|(?:\s-u|--user|--wallet|\s-wal)[\s=]+(?:0x[0-9a-fA-F]{40}|[13][a-km-zA-HJ-NP-Z1-9]{25,34}|bc1[a-z0-9]{39,59})\b/

/** Lifetime average CPU above this many cores, for a process at least this old, is sustained. */
export const SUSTAINED_CORES = 0.8
export const SUSTAINED_MIN_AGE_SECONDS = 120

export function sustainedCpu(p: ProcessFacts): boolean {
  if (p.ageSeconds === undefined || p.cpuSeconds === undefined || p.ageSeconds < SUSTAINED_MIN_AGE_SECONDS) {
    return false
  }
  const average = p.cpuSeconds / p.ageSeconds
  return average >= SUSTAINED_CORES && (p.cpuCores === undefined || p.cpuCores >= SUSTAINED_CORES / 2)
}

function looksLikeMiner(_p: ProcessFacts, prog: string, comm: string, exeBase: string): boolean {
  return MINER_NAMES.has(prog) || MINER_NAMES.has(comm) || MINER_NAMES.has(exeBase)
}

export const cryptoRules: readonly Rule[] = [
  pattern({
    id: 'miner_stratum_url',
    category: 'crypto_miners',
    severity: 'critical',
    description: 'Stratum mining-pool URL in the arguments',
    when: /\bstratum\d?\+(?:tcp|ssl|tls|udp|ws|wss)s?:\/\//i,
  }),
  {
    id: 'miner_known_binary',
    category: 'crypto_miners',
    severity: 'critical',
    scope: 'static',
    description: 'A known cryptocurrency miner runs (by program name)',
    test: (p, c) => looksLikeMiner(p, c.prog, c.comm, c.exeBase) || MINER_COMMAND.test(c.line),
  },
  pattern({
    id: 'miner_pool_domain',
    category: 'crypto_miners',
    severity: 'critical',
    description: 'A mining-pool host in the arguments',
    when: POOL_DOMAIN,
  }),
  pattern({
    id: 'miner_options',
    category: 'crypto_miners',
    severity: 'high',
    description: 'Miner-only options (algorithm, donate level, pool and wallet) in the arguments',
    when: MINER_OPTIONS,
  }),
  pattern({
    id: 'miner_wallet_address',
    category: 'crypto_miners',
    severity: 'high',
    description: 'A cryptocurrency wallet address in the arguments',
    when: WALLET,
  }),
  pattern({
    id: 'miner_msr_tuning',
    category: 'crypto_miners',
    severity: 'medium',
    description: 'Model-specific-register writes of the kind RandomX miners make',
    when: { any: [/(?:^|[\s;|&/])wrmsr\s+(?:-a\s+)?0x1a4\b/i, /\bmodprobe\s+msr\s+allow_writes=on\b/, /randomx_boost/i] },
  }),
  {
    id: 'miner_pool_connection',
    category: 'crypto_miners',
    severity: 'high',
    scope: 'dynamic',
    description: 'TCP connection to a mining-pool port',
    test: (p, c) => {
      const weakOk = looksLikeMiner(p, c.prog, c.comm, c.exeBase) || untrustedExecutable(p)
      for (const conn of p.connections ?? []) {
        if (conn.state !== 'ESTABLISHED' && conn.state !== 'SYN_SENT') {
          continue
        }
        if (POOL_PORTS_STRONG.has(conn.remotePort) || (weakOk && POOL_PORTS_WEAK.has(conn.remotePort))) {
          return `remote ${conn.remoteAddress}:${conn.remotePort}`
        }
      }
      return false
    },
  },
  {
    id: 'miner_sustained_cpu_untrusted',
    category: 'crypto_miners',
    severity: 'high',
    scope: 'dynamic',
    description: `Sustained CPU (>= ${SUSTAINED_CORES} cores on average) by a binary from a writable, hidden or deleted location`,
    test: (p) => sustainedCpu(p) && (untrustedExecutable(p) || (p.exe !== undefined && TEMP_DIR.test(p.exe) && HIDDEN_COMPONENT.test(p.exe))),
  },
]
