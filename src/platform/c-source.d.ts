// C sources imported as text (`with { type: 'text' }`): compiled at run time by bun:ffi cc.
declare module '*.c' {
  const source: string
  export default source
}
