/**
 * Typed errors. Every failure a user can cause is one of these: it names the file, tensor, group or
 * option at fault and what was expected, so the CLI can print one line and exit with code 2.
 */

/** What an error is about: any of these that apply are filled in. */
export interface ErrorSubject {
  file?: string;
  tensor?: string;
  group?: string;
  option?: string;
}

/** Base class of every speechfold error. `code` is stable and machine-readable. */
export class SpeechfoldError extends Error {
  readonly code: string;
  readonly subject: ErrorSubject;

  constructor(code: string, message: string, subject: ErrorSubject = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.subject = subject;
  }
}

/** A name from a file (tensor, group) with control characters escaped, so that a message stays one line. */
function printable(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
}

/** Prefixes a message with the subject, e.g. "model.safetensors: tensor 'a.weight': ...". */
export function describeSubject(subject: ErrorSubject): string {
  const parts: string[] = [];
  if (subject.file !== undefined) parts.push(printable(subject.file));
  if (subject.tensor !== undefined) parts.push(`tensor '${printable(subject.tensor)}'`);
  if (subject.group !== undefined) parts.push(`group '${printable(subject.group)}'`);
  if (subject.option !== undefined) parts.push(`option ${subject.option}`);
  return parts.join(': ');
}

function withSubject(subject: ErrorSubject, message: string): string {
  const where = describeSubject(subject);
  return where ? `${where}: ${message}` : message;
}

/** A checkpoint file (safetensors, index, config) is malformed or inconsistent. */
export class FormatError extends SpeechfoldError {
  constructor(subject: ErrorSubject, message: string, options?: { cause?: unknown }) {
    super('E_FORMAT', withSubject(subject, message), subject, options);
  }
}

/** A path does not exist, cannot be read, or would be overwritten. */
export class PathError extends SpeechfoldError {
  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super('E_PATH', withSubject({ file }, message), { file }, options);
  }
}

/** A user-supplied option or argument is out of range or unknown. */
export class OptionError extends SpeechfoldError {
  constructor(option: string, message: string) {
    super('E_OPTION', withSubject({ option }, message), { option });
  }
}

/** A model's config.json or tensors disagree with what its adapter expects. */
export class ModelError extends SpeechfoldError {
  constructor(subject: ErrorSubject, message: string) {
    super('E_MODEL', withSubject(subject, message), subject);
  }
}

/** A numeric step (clustering, merge, prune, policy) got input it cannot work on. */
export class MethodError extends SpeechfoldError {
  constructor(subject: ErrorSubject, message: string) {
    super('E_METHOD', withSubject(subject, message), subject);
  }
}

/** A requested tensor engine cannot be loaded on this machine. */
export class EngineError extends SpeechfoldError {
  constructor(engine: string, message: string, options?: { cause?: unknown }) {
    super('E_ENGINE', `engine '${engine}': ${message}`, { option: '--engine' }, options);
  }
}

/** A job queue cannot be reached (its URL is named) or queued jobs failed (each is named with its reason). */
export class QueueError extends SpeechfoldError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_QUEUE', message, { option: '--queue' }, options);
  }
}
