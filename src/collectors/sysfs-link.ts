import { dirname, resolve } from 'node:path'
import { errorCode, isNotFound } from '../platform/host-fs.ts'
import { NoDataError } from './types.ts'
import type { CollectContext } from './types.ts'

/**
 * sysfs exposes devices in /sys/class/<class>/ as symlinks into /sys/devices, and names
 * some parents only through links (hwmonN/device). Copies of a sysfs tree made without
 * symlink support (git with core.symlinks=false, ttar or zip extractors) keep each link
 * as a small regular file holding its relative target. The kernel never puts such a file
 * in these places, so following one is safe and lets fixture trees stand in for a host.
 */
export function pseudoLinkTarget(content: string): string | undefined {
  const body = content.replace(/\r?\n$/, '')
  if (body.length === 0 || body.length > 4096 || !/^\.\.?\//.test(body) || /[\s\0]/.test(body)) {
    return undefined
  }
  return body
}

/** The path a link points to (absolute), or undefined when `path` is no link. */
export async function resolveLink(ctx: CollectContext, path: string): Promise<string | undefined> {
  try {
    return resolve(dirname(path), await ctx.fs.readlink(path))
  } catch (err) {
    if (isNotFound(err) || errorCode(err) !== 'EINVAL') {
      return undefined
    }
  }
  let content: string
  try {
    content = await ctx.fs.readFile(path)
  } catch {
    return undefined
  }
  const target = pseudoLinkTarget(content)
  return target === undefined ? undefined : resolve(dirname(path), target)
}

/**
 * Resolves `path` to a directory: the link target when it is a link (real or kept as a
 * file), `path` itself when it is a directory, undefined otherwise.
 */
export async function resolveDir(ctx: CollectContext, path: string): Promise<string | undefined> {
  const target = (await resolveLink(ctx, path)) ?? path
  try {
    await ctx.fs.readdir(target)
    return target
  } catch {
    return undefined
  }
}

/** Entries of a class directory (/sys/class/net, /sys/class/hwmon) that resolve to directories. */
export async function classDevices(ctx: CollectContext, classDir: string): Promise<{ name: string; dir: string }[]> {
  const names = (await ctx.fs.readdir(classDir)).sort()
  const devices: { name: string; dir: string }[] = []
  for (const name of names) {
    const dir = await resolveDir(ctx, `${classDir}/${name}`)
    if (dir !== undefined) {
      devices.push({ name, dir })
    }
  }
  return devices
}

/** The devices of /sys/class/NAME; a host without that class is NoData, not an error. */
export async function sysClassDevices(ctx: CollectContext, className: string): Promise<{ name: string; dir: string }[]> {
  const classDir = ctx.fs.sys('class', className)
  try {
    return await classDevices(ctx, classDir)
  } catch (err) {
    throw isNotFound(err) ? new NoDataError(`${classDir} not found`, { cause: err }) : err
  }
}
