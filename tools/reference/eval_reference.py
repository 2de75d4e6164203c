#!/usr/bin/env python3
"""Stock transformers / PyTorch side of `npm run bench -- eval` (tools/bench/eval.mjs).

Transcribes the first N utterances (sorted by id) of a LibriSpeech split with a Whisper or HuBERT-CTC
checkpoint the way a user of stock transformers would: CPU, fp32, batch 1 (Whisper: --batch-size
utterances per generate() call), greedy; Whisper in
English, transcribe, no timestamps, at most --max-new-tokens new tokens; HuBERT by argmax over the
CTC logits and the checkpoint's tokenizer. Prints one JSON line: the seconds spent importing,
loading and transcribing, the audio seconds, and per utterance the id, the raw hypothesis and (Whisper)
the number of tokens generated. The bench times the whole process (imports and model load included).

Run from the repo root:
  python3 tools/reference/eval_reference.py whisper ../models/whisper-base \
      --data test-data/LibriSpeech/test-clean --limit 5 --threads 2 --max-new-tokens 128
Needs torch, transformers, soundfile. Nothing is fetched from a hub (HF_HUB_OFFLINE is set).
"""
import time

STARTED = time.time()

import argparse  # noqa: E402
import glob  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import soundfile  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402


def utterances(split, limit):
    """(id, flac path) of the first `limit` utterances of a LibriSpeech split, sorted by id."""
    ids = []
    for trans in glob.glob(os.path.join(split, "*", "*", "*.trans.txt")):
        with open(trans) as f:
            for line in f:
                if line.strip():
                    uid = line.split(" ", 1)[0]
                    path = os.path.join(os.path.dirname(trans), uid + ".flac")
                    if os.path.exists(path):
                        ids.append((uid, path))
    ids.sort()
    return ids if limit is None else ids[:limit]


def load_audio(path):
    audio, rate = soundfile.read(path, dtype="float32")
    if rate != 16000:
        raise SystemExit(f"{path}: {rate} Hz, expected 16000")
    return audio


def whisper(model_dir, items, max_new_tokens, batch_size):
    from transformers import WhisperFeatureExtractor, WhisperForConditionalGeneration, WhisperTokenizer

    t0 = time.time()
    model = WhisperForConditionalGeneration.from_pretrained(model_dir, dtype=torch.float32).eval()
    fe = WhisperFeatureExtractor.from_pretrained(model_dir)
    tokenizer = WhisperTokenizer.from_pretrained(model_dir)
    load_seconds = time.time() - t0
    multilingual = model.config.vocab_size >= 51865
    kwargs = {"language": "en", "task": "transcribe"} if multilingual else {}
    prompt = 4 if multilingual else 2  # <|startoftranscript|> [<|en|> <|transcribe|>] <|notimestamps|>
    eos = model.generation_config.eos_token_id
    out, audio_seconds = [], 0.0
    t1 = time.time()
    with torch.inference_mode():
        for start in range(0, len(items), batch_size):
            chunk = items[start : start + batch_size]
            audios = [load_audio(path) for _, path in chunk]
            audio_seconds += sum(len(a) for a in audios) / 16000
            feats = fe(audios, sampling_rate=16000, return_tensors="pt").input_features
            rows = model.generate(
                feats, max_new_tokens=max_new_tokens, num_beams=1, do_sample=False, return_timestamps=False, **kwargs
            ).tolist()
            for (uid, _), ids in zip(chunk, rows):
                # generate's output starts at the prompt (or, in some versions, after it): count what
                # follows it, up to the first end of text (a batch pads finished rows with it).
                body = ids[prompt:] if len(ids) > prompt and ids[prompt - 1] == model.generation_config.no_timestamps_token_id else ids
                generated = body.index(eos) if eos in body else len(body)
                out.append({"id": uid, "hyp": tokenizer.decode(ids, skip_special_tokens=True), "tokens": generated})
    return load_seconds, time.time() - t1, audio_seconds, out


def hubert(model_dir, items):
    from transformers import HubertForCTC, Wav2Vec2CTCTokenizer, Wav2Vec2FeatureExtractor

    t0 = time.time()
    model = HubertForCTC.from_pretrained(model_dir, dtype=torch.float32).eval()
    fe = Wav2Vec2FeatureExtractor.from_pretrained(model_dir)
    tokenizer = Wav2Vec2CTCTokenizer.from_pretrained(model_dir)
    load_seconds = time.time() - t0
    out, audio_seconds = [], 0.0
    t1 = time.time()
    with torch.inference_mode():
        for uid, path in items:
            audio = load_audio(path)
            audio_seconds += len(audio) / 16000
            inputs = fe(audio, sampling_rate=16000, return_tensors="pt")
            logits = model(inputs.input_values).logits
            ids = torch.argmax(logits, dim=-1)[0]
            out.append({"id": uid, "hyp": tokenizer.decode(ids)})
    return load_seconds, time.time() - t1, audio_seconds, out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("kind", choices=["whisper", "hubert"])
    parser.add_argument("model")
    parser.add_argument("--data", required=True, help="a LibriSpeech split dir (speaker/chapter/*.flac + *.trans.txt)")
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-new-tokens", type=int, default=128)
    parser.add_argument("--batch-size", type=int, default=1, help="Whisper: utterances per generate() call (default 1)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    import_seconds = time.time() - STARTED
    items = utterances(args.data, args.limit)
    if args.kind == "whisper":
        load_seconds, seconds, audio_seconds, out = whisper(args.model, items, args.max_new_tokens, args.batch_size)
    else:
        load_seconds, seconds, audio_seconds, out = hubert(args.model, items)
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "transformers": transformers.__version__,
                "threads": torch.get_num_threads(),
                "batch_size": args.batch_size if args.kind == "whisper" else 1,
                "import_seconds": round(import_seconds, 3),
                "load_seconds": round(load_seconds, 3),
                "transcribe_seconds": round(seconds, 3),
                "audio_seconds": round(audio_seconds, 3),
                "utterances": out,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
