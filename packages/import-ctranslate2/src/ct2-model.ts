/**
 * A CTranslate2 model.bin (whole, or parts joined in order) as a TensorSource: opening parses the
 * whole header; each variable's bytes are read on demand through the file handles. readFloat32
 * returns real values: an int8/int16 weight with a `<name>_scale` variable is dequantized.
 */
import { FormatError, type TensorInfo, type TensorSource } from '@speechfold/core';
import { applyScale, decodeValues } from './dequantize';
import { CT2_TO_DTYPE, SCALE_SUFFIX, type Ct2DType, type Ct2Header, type Ct2Variable } from './format';
import { parseHeader } from './header';
import { PartedFile } from './part-file';

/** A lazily read CTranslate2 model.bin. */
export class Ct2Model implements TensorSource {
  private readonly byName: Map<string, Ct2Variable>;

  private constructor(private readonly file: PartedFile, private readonly header: Ct2Header) {
    this.byName = new Map(header.variables.map((v) => [v.name, v]));
  }

  /** Opens a model.bin, or its parts joined in the order given, and parses its header. */
  static async open(paths: string | readonly string[]): Promise<Ct2Model> {
    const file = await PartedFile.open(typeof paths === 'string' ? [paths] : paths);
    try {
      return new Ct2Model(file, await parseHeader(file));
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  /** The file (or the parts, joined with ' + ') for messages. */
  get path(): string {
    return this.file.paths.join(' + ');
  }

  /** The files read, in joining order. */
  get files(): string[] {
    return this.file.paths;
  }

  get binaryVersion(): number {
    return this.header.binaryVersion;
  }

  /** The model spec's name, e.g. 'WhisperSpec'. */
  get spec(): string {
    return this.header.spec;
  }

  get revision(): number {
    return this.header.revision;
  }

  /** Stored variables in stored order, with safetensors-style dtypes (aliases are not listed). */
  list(): TensorInfo[] {
    return this.header.variables.map((v) => ({ name: v.name, dtype: CT2_TO_DTYPE[v.dtype], shape: [...v.shape] }));
  }

  /** One variable or alias, under the name asked for. */
  info(name: string): TensorInfo {
    const v = this.variable(name);
    return { name, dtype: CT2_TO_DTYPE[v.dtype], shape: [...v.shape] };
  }

  /** CTranslate2's own dtype of a variable or alias. */
  ct2DType(name: string): Ct2DType {
    return this.variable(name).dtype;
  }

  /** Whether `name` is a stored variable or an alias. */
  has(name: string): boolean {
    return this.byName.has(name) || this.header.aliases.has(name);
  }

  /** The stored variable behind `name` (itself unless it is an alias). */
  resolve(name: string): string {
    return this.variable(name).name;
  }

  /** Alias -> stored variable. */
  aliases(): Record<string, string> {
    return Object.fromEntries(this.header.aliases);
  }

  /** Whether `name` is an int8/int16 weight stored with a scale. */
  isQuantized(name: string): boolean {
    const v = this.variable(name);
    return (v.dtype === 'int8' || v.dtype === 'int16') && this.has(v.name + SCALE_SUFFIX);
  }

  /** The stored bytes, unchanged (quantized integers stay integers). */
  readBytes(name: string): Promise<Uint8Array> {
    const v = this.variable(name);
    return this.file.read(v.offset, v.byteLength, v.name);
  }

  /** The values as f32: floats decoded, quantized weights divided by their scales, settings as numbers. */
  async readFloat32(name: string): Promise<Float32Array> {
    const v = this.variable(name);
    const values = decodeValues(v.dtype, await this.readBytes(v.name));
    if (!this.isQuantized(v.name)) return values;
    const scaleName = v.name + SCALE_SUFFIX;
    const scale = decodeValues(this.variable(scaleName).dtype, await this.readBytes(scaleName));
    return applyScale(values, v.shape, scale, { file: this.file.fileAt(v.offset), tensor: v.name });
  }

  /** A one-value integer setting (e.g. 'encoder/num_heads'); FormatError if `name` is not one. */
  async readSetting(name: string): Promise<number> {
    const v = this.variable(name);
    const count = v.shape.reduce((a, d) => a * d, 1);
    if (count !== 1 || !(v.dtype === 'int8' || v.dtype === 'int16' || v.dtype === 'int32')) {
      throw new FormatError(
        { file: this.file.fileAt(v.offset), tensor: name },
        `is ${v.dtype} [${v.shape.join(', ')}]; expected a single integer setting`,
      );
    }
    return (await this.readFloat32(name))[0];
  }

  /** Binary version, spec name and revision, as strings. */
  metadata(): Record<string, string> {
    return {
      format: 'ctranslate2',
      binary_version: String(this.header.binaryVersion),
      spec: this.header.spec,
      revision: String(this.header.revision),
    };
  }

  /** The file named in messages about `name` (the part holding its data). */
  fileOf(name: string): string {
    return this.file.fileAt(this.variable(name).offset);
  }

  /** Closes the file handles; safe to call twice. */
  close(): Promise<void> {
    return this.file.close();
  }

  private variable(name: string): Ct2Variable {
    const v = this.byName.get(this.header.aliases.get(name) ?? name);
    if (!v) {
      throw new FormatError(
        { file: this.path, tensor: name },
        `no such variable; expected one of the ${this.header.variables.length} variables or ${this.header.aliases.size} aliases`,
      );
    }
    return v;
  }
}

/** Opens a CTranslate2 model.bin (or its parts, joined in order) for lazy per-variable reading. */
export function openCTranslate2Model(paths: string | readonly string[]): Promise<Ct2Model> {
  return Ct2Model.open(paths);
}
