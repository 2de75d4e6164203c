import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { FormatError, PathError } from '@speechfold/core';
import { AUDIO_EXTENSIONS, type Dataset, type DatasetProblem, type Utterance } from './dataset';
import { textLines } from './text-lines';

const TRANSCRIPT_SUFFIX = '.trans.txt';

/**
 * Loads a LibriSpeech split directory (e.g. `LibriSpeech/test-clean`): `speaker/chapter/` folders,
 * each with `speaker-chapter.trans.txt` (lines "ID TRANSCRIPT") and one `ID.flac` (or `.wav`) per
 * line. Inconsistencies are returned as problems, not thrown, so one bad chapter does not stop an
 * evaluation; a missing directory or a split without any utterance is a typed error naming it.
 */
export async function loadLibriSpeech(splitDir: string): Promise<Dataset> {
  const root = path.resolve(splitDir);
  await requireDirectory(root, splitDir);
  const utterances: Utterance[] = [];
  const problems: DatasetProblem[] = [];
  for (const speaker of await subdirectories(root)) {
    for (const chapter of await subdirectories(path.join(root, speaker))) {
      await loadChapter(path.join(root, speaker, chapter), utterances, problems);
    }
  }
  if (utterances.length === 0) {
    const detail = problems.length > 0 ? ` (${problems.length} problem(s), first: ${problems[0].message})` : '';
    throw new FormatError({ file: splitDir }, `no LibriSpeech utterances found: expected speaker/chapter/*.trans.txt with audio beside it${detail}`);
  }
  utterances.sort((a, b) => compare(a.id, b.id));
  return { utterances, problems };
}

/** Reads one chapter folder: pairs its transcript lines with its audio files. */
async function loadChapter(dir: string, utterances: Utterance[], problems: DatasetProblem[]): Promise<void> {
  // Symbolic links count as files: a broken one then shows up as an unreadable transcript or audio.
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name).sort(compare);
  const audio = new Map<string, string>(); // id -> file name
  for (const name of names) {
    const ext = path.extname(name).toLowerCase();
    if (AUDIO_EXTENSIONS.includes(ext)) audio.set(name.slice(0, -ext.length), name);
  }
  const transcribed = new Set<string>();
  for (const name of names.filter((n) => n.endsWith(TRANSCRIPT_SUFFIX))) {
    const file = path.join(dir, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (cause) {
      problems.push({ kind: 'unreadable-transcript', file, message: `${file}: cannot read transcript: ${(cause as Error).message}` });
      continue;
    }
    textLines(text).forEach((raw, index) => {
      const line = raw.trim();
      if (line === '') return;
      const space = line.search(/\s/);
      const id = space < 0 ? line : line.slice(0, space);
      const reference = space < 0 ? '' : line.slice(space).trim();
      const where = { file, id, line: index + 1 };
      if (reference === '') {
        problems.push({ kind: 'malformed-line', ...where, message: `${file}:${index + 1}: expected "ID TRANSCRIPT", got "${line}"` });
      } else if (transcribed.has(id)) {
        problems.push({ kind: 'duplicate-id', ...where, message: `${file}:${index + 1}: utterance ${id} is listed twice` });
      } else {
        transcribed.add(id);
        const audioName = audio.get(id);
        if (audioName === undefined) {
          problems.push({ kind: 'missing-audio', ...where, message: `${file}:${index + 1}: no audio file ${id}.flac or ${id}.wav for this line` });
        } else {
          utterances.push({ id, audioPath: path.join(dir, audioName), reference });
        }
      }
    });
  }
  for (const [id, name] of audio) {
    if (!transcribed.has(id)) {
      const file = path.join(dir, name);
      problems.push({ kind: 'missing-transcript', file, id, message: `${file}: no transcript line for utterance ${id}` });
    }
  }
}

async function requireDirectory(dir: string, shown: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch (cause) {
    throw new PathError(shown, `dataset directory does not exist or cannot be read: ${(cause as Error).message}`, { cause });
  }
  if (!isDirectory) throw new PathError(shown, 'expected a dataset directory, found a file');
}

async function subdirectories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort(compare);
}

/** Plain code-unit order: stable across locales, unlike localeCompare. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
