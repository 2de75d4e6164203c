/**
 * Lines of a text file as the dataset loaders read them: a UTF-8 byte order mark is dropped and any
 * line end is accepted (LF, CRLF as Windows writes them, or a lone CR), so a transcript or list
 * edited on another system reads the same. Line numbers (index + 1) stay those an editor shows.
 */
export function textLines(text: string): string[] {
  return (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r\n|\r|\n/);
}
