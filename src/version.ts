// Injected by `bun build --define` (scripts/build.mjs); absent when run from source.
declare const ODIN_VERSION: string | undefined
declare const ODIN_REVISION: string | undefined

export const buildVersion = {
  version: typeof ODIN_VERSION === 'string' ? ODIN_VERSION : '0.0.0-dev',
  revision: typeof ODIN_REVISION === 'string' ? ODIN_REVISION : 'source',
}
