/** Types shared by the dataset loaders (LibriSpeech directories and plain file lists). */

/** One utterance to evaluate: its audio file and, when known, the reference transcript. */
export interface Utterance {
  /** LibriSpeech id ("1089-134686-0000") or, for file lists, the path as written in the list. */
  id: string;
  /** Absolute path of the FLAC or WAV file. */
  audioPath: string;
  reference: string;
}

/** An entry of a plain file list, whose reference is optional. */
export interface ListedAudio {
  id: string;
  audioPath: string;
  /** Absent when the list gives only paths. */
  reference?: string;
}

/** What a loader found wrong without stopping: the entry is skipped, the rest is loaded. */
export interface DatasetProblem {
  kind:
    | 'missing-audio' // a transcript line or list entry whose audio file does not exist
    | 'missing-transcript' // an audio file that no transcript line names
    | 'unreadable-transcript' // a transcript file that cannot be read
    | 'malformed-line' // a line that is not "ID TRANSCRIPT" (or "path<TAB>reference")
    | 'duplicate-id' // an id that an earlier line already used
    | 'unsupported-audio'; // a listed file that is neither .flac nor .wav
  /** The file the problem is in or about (transcript, audio or list file). */
  file: string;
  /** The utterance id or list entry concerned, when there is one. */
  id?: string;
  /** 1-based line number in `file`, when the problem is a line. */
  line?: number;
  message: string;
}

/** What a loader returns: the usable utterances (LibriSpeech: sorted by id; lists: in list order) and the problems met. */
export interface Dataset<T = Utterance> {
  utterances: T[];
  problems: DatasetProblem[];
}

/** Audio file extensions the decoders read. */
export const AUDIO_EXTENSIONS: readonly string[] = ['.flac', '.wav'];
