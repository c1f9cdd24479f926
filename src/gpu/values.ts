/**
 * nvidia-smi value text to numbers. Every field nvidia-smi could not read ("N/A", "[N/A]",
 * "[Not Supported]", "[Insufficient Permissions]", "Requested functionality has been
 * deprecated", "ERR!", "Unknown Error", an empty element) is absent (undefined), never 0.
 */

/** First token as a number, unit dropped ("67.03 W", "16x", "96 bank(s)"); else undefined. */
export function parseSmiNumber(text: string | undefined): number | undefined {
  if (text === undefined) {
    return undefined
  }
  const trimmed = text.trim()
  if (trimmed === '') {
    return undefined
  }
  let token = trimmed.split(/\s+/, 1)[0] as string
  if (token.length > 1 && token.endsWith('x')) {
    token = token.slice(0, -1)
  }
  // Number('') is 0 and Number('0x10') is 16: accept only decimal notation.
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(token)) {
    return undefined
  }
  const n = Number(token)
  return Number.isFinite(n) ? n : undefined
}

const TRUE_WORDS = new Set(['yes', 'active', 'enabled'])
const FALSE_WORDS = new Set(['no', 'not active', 'disabled'])

/** "Yes"/"Active"/"Enabled" -> 1, "No"/"Not Active"/"Disabled" -> 0, anything else absent. */
export function parseSmiFlag(text: string | undefined): number | undefined {
  if (text === undefined) {
    return undefined
  }
  const word = text.trim().replace(/\s+/g, ' ').toLowerCase()
  if (TRUE_WORDS.has(word)) {
    return 1
  }
  if (FALSE_WORDS.has(word)) {
    return 0
  }
  return undefined
}

/** "P8" -> 8; "P15" -> 15; anything else absent. */
export function parseSmiPstate(text: string | undefined): number | undefined {
  const m = /^P(\d{1,2})$/.exec(text?.trim() ?? '')
  return m ? Number(m[1]) : undefined
}

/** A label value from XML text: trimmed, absent markers become ''. */
export function smiText(text: string | undefined): string {
  const t = (text ?? '').trim()
  if (t === '' || /^\[?(N\/A|Not Supported|Insufficient Permissions|Unknown Error|ERR!)\]?$/i.test(t)) {
    return ''
  }
  return t
}
