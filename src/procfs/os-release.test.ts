import { describe, expect, it } from 'vitest'
import { osMajorMinor, parseOsRelease } from './os-release.ts'

describe('parseOsRelease', () => {
  it('reads quoted, unquoted and escaped values', () => {
    const env = parseOsRelease(
      [
        'NAME="Debian GNU/Linux"',
        'ID=debian',
        "PRETTY_NAME='It''s'",
        'VERSION="12 (\\"bookworm\\")"',
        '# comment',
        '',
        'export BUILD_ID=rolling',
        'HOME_URL="https://www.debian.org/"',
      ].join('\n'),
    )
    expect(Object.fromEntries(env)).toEqual({
      NAME: 'Debian GNU/Linux',
      ID: 'debian',
      PRETTY_NAME: 'It',
      VERSION: '12 ("bookworm")',
      BUILD_ID: 'rolling',
      HOME_URL: 'https://www.debian.org/',
    })
  })

  it.each([
    ['an empty file', '', {}],
    ['CRLF line ends', 'ID=ubuntu\r\nVERSION_ID="20.04"\r\n', { ID: 'ubuntu', VERSION_ID: '20.04' }],
    ['an unclosed quote (skipped)', 'NAME="Broken\nID=x\n', { ID: 'x' }],
    ['a line that is not an assignment (skipped)', 'just words\nID=x\n', { ID: 'x' }],
    ['an unquoted value with a trailing comment', 'ID=arch # rolling\n', { ID: 'arch' }],
  ])('handles %s', (_name, text, want) => {
    expect(Object.fromEntries(parseOsRelease(text))).toEqual(want)
  })
})

describe('osMajorMinor', () => {
  it.each([
    ['20.04', 20.04],
    ['12', 12],
    ['2023.1.2', 2023.1],
    ['9.', 9],
    ['rolling', 0],
    ['', 0],
  ])('%j -> %d', (v, want) => {
    expect(osMajorMinor(v)).toBe(want)
  })
})
