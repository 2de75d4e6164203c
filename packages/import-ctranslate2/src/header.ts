/**
 * Parses the whole header of a model.bin: every variable's name, dtype, shape and place, and the
 * aliases, skipping over the data. Any inconsistency is a FormatError naming the file (the part
 * that holds the offending byte) and the variable.
 */
import { FormatError } from '@speechfold/core';
import {
  CT2_DTYPES,
  CT2_DTYPE_SIZE,
  MAX_BINARY_VERSION,
  MIN_BINARY_VERSION,
  type Ct2Header,
  type Ct2Variable,
} from './format';
import { HeaderCursor } from './header-cursor';
import type { PartedFile } from './part-file';

async function readVariable(cursor: HeaderCursor, file: PartedFile, index: number): Promise<Ct2Variable> {
  const name = await cursor.string(`name of variable #${index}`);
  const fail = (message: string): FormatError =>
    new FormatError({ file: file.fileAt(cursor.position), tensor: name }, message);
  if (name.length === 0) throw fail(`variable #${index} has an empty name`);
  const rank = await cursor.u8(name);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(await cursor.u32(name));
  const typeId = await cursor.u8(name);
  const dtype = CT2_DTYPES[typeId];
  if (dtype === undefined) {
    throw fail(`unknown dtype id ${typeId}; expected 0-${CT2_DTYPES.length - 1} (${CT2_DTYPES.join(', ')})`);
  }
  const byteLength = await cursor.u32(name);
  const count = shape.reduce((a, d) => a * d, 1);
  if (count * CT2_DTYPE_SIZE[dtype] !== byteLength) {
    throw fail(
      `shape [${shape.join(', ')}] of ${dtype} needs ${
        count * CT2_DTYPE_SIZE[dtype]
      } bytes, the header says ${byteLength}`,
    );
  }
  const offset = cursor.position;
  cursor.skip(byteLength, name);
  return { name, dtype, shape, offset, byteLength };
}

async function readAliases(cursor: HeaderCursor, file: PartedFile, names: Set<string>): Promise<Map<string, string>> {
  const aliases = new Map<string, string>();
  const count = await cursor.u32();
  for (let i = 0; i < count; i++) {
    const alias = await cursor.string(`alias #${i}`);
    const target = await cursor.string(`target of alias '${alias}'`, alias);
    const subject = { file: file.fileAt(cursor.position), tensor: alias };
    if (names.has(alias) || aliases.has(alias))
      throw new FormatError(subject, 'alias repeats the name of a variable or alias');
    // The C++ loader resolves an alias to a stored variable, never to another alias.
    if (!names.has(target)) throw new FormatError(subject, `alias of '${target}', which is not a stored variable`);
    aliases.set(alias, target);
  }
  return aliases;
}

/** Reads and checks the header of `file`, ending exactly at its last byte. */
export async function parseHeader(file: PartedFile): Promise<Ct2Header> {
  const cursor = new HeaderCursor(file);
  const binaryVersion = await cursor.u32();
  if (binaryVersion < MIN_BINARY_VERSION || binaryVersion > MAX_BINARY_VERSION) {
    throw new FormatError(
      { file: file.fileAt(0) },
      `binary version ${binaryVersion}; expected ${MIN_BINARY_VERSION}-${MAX_BINARY_VERSION} ` +
        '(is it a CTranslate2 model.bin, with its parts in order?)',
    );
  }
  const spec = await cursor.string('spec name');
  const revision = await cursor.u32();
  const count = await cursor.u32();
  const variables: Ct2Variable[] = [];
  const names = new Set<string>();
  for (let i = 0; i < count; i++) {
    const v = await readVariable(cursor, file, i);
    if (names.has(v.name)) throw new FormatError({ file: file.fileAt(v.offset), tensor: v.name }, 'stored twice');
    names.add(v.name);
    variables.push(v);
  }
  const aliases = await readAliases(cursor, file, names);
  if (cursor.position !== file.size) {
    throw new FormatError(
      { file: file.fileAt(cursor.position) },
      `${file.size - cursor.position} unexpected bytes after the last alias (byte ${cursor.position}): ` +
        'an extra part, or parts out of order?',
    );
  }
  return { binaryVersion, spec, revision, variables, aliases };
}
