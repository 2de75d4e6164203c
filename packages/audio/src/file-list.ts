import { access, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { FormatError, PathError } from '@speechfold/core';
import { AUDIO_EXTENSIONS, type Dataset, type DatasetProblem, type ListedAudio } from './dataset';
import { textLines } from './text-lines';

/**
 * Loads a plain list of audio files: one entry per line, either `path<TAB>reference` or just `path`.
 * Relative paths are relative to the list file's folder (so a list travels with its audio); blank
 * lines and lines starting with '#' are skipped. Entries whose file is missing or not .flac/.wav are
 * returned as problems; a missing list file, or one without any usable entry, is a typed error.
 */
export async function loadFileList(listFile: string): Promise<Dataset<ListedAudio>> {
  let text: string;
  try {
    text = await readFile(listFile, 'utf8');
  } catch (cause) {
    throw new PathError(listFile, `cannot read file list: ${(cause as Error).message}`, { cause });
  }
  const baseDir = path.dirname(path.resolve(listFile));
  const utterances: ListedAudio[] = [];
  const problems: DatasetProblem[] = [];
  const seen = new Set<string>();
  const lines = textLines(text);
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index];
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const tab = raw.indexOf('\t');
    // The path is taken verbatim (it may contain spaces); only the reference is trimmed.
    const id = (tab < 0 ? raw : raw.slice(0, tab)).trim();
    const reference = tab < 0 ? undefined : raw.slice(tab + 1).trim();
    const audioPath = path.resolve(baseDir, id);
    const where = { file: listFile, id, line: index + 1 };
    if (seen.has(id)) {
      problems.push({ kind: 'duplicate-id', ...where, message: `${listFile}:${index + 1}: ${id} is listed twice` });
      continue;
    }
    seen.add(id);
    if (!AUDIO_EXTENSIONS.includes(path.extname(id).toLowerCase())) {
      problems.push({ kind: 'unsupported-audio', ...where, message: `${listFile}:${index + 1}: ${id} is not a .flac or .wav file` });
      continue;
    }
    if (!(await exists(audioPath))) {
      problems.push({ kind: 'missing-audio', ...where, message: `${listFile}:${index + 1}: audio file ${audioPath} does not exist` });
      continue;
    }
    utterances.push(reference === undefined ? { id, audioPath } : { id, audioPath, reference });
  }
  if (utterances.length === 0) {
    const detail = problems.length > 0 ? ` (${problems.length} problem(s), first: ${problems[0].message})` : '';
    throw new FormatError({ file: listFile }, `the file list has no usable audio entries${detail}`);
  }
  return { utterances, problems };
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
