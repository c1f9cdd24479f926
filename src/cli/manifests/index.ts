import type { AssetSource } from '../../assets/asset-source.ts'
import { buildVersion } from '../../version.ts'
import { MANIFESTS_HELP, ManifestsFlagError, parseManifestsArgs } from './options.ts'
import { renderManifests } from './render.ts'

export interface ManifestsIO {
  stdout: (s: string) => void
  stderr: (s: string) => void
}

/** A released binary tags the agent image with its own version; a source run keeps the kustomization's. */
function imageVersion(): string | undefined {
  return /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(buildVersion.version) && !buildVersion.version.endsWith('-dev') ? buildVersion.version : undefined
}

/** `odin-agent manifests [flags]`: 0 after printing, 2 on a bad flag (one line on stderr). */
export async function runManifestsCommand(argv: readonly string[], io: ManifestsIO, assets: AssetSource): Promise<number> {
  let parsed: ReturnType<typeof parseManifestsArgs>
  try {
    parsed = parseManifestsArgs(argv)
  } catch (err) {
    if (err instanceof ManifestsFlagError) {
      io.stderr(`odin-agent manifests: ${err.message}\n`)
      return 2
    }
    throw err
  }
  if (parsed.help) {
    io.stdout(MANIFESTS_HELP)
    return 0
  }
  const { help: _help, ...options } = parsed
  io.stdout(renderManifests(assets, { ...options, version: options.version ?? imageVersion() }))
  return 0
}
