import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OptionError, PathError } from './errors';
import { checkOutputPath, resolveRealPath, withPathErrors } from './output-path';

let root: string;
let model: string;

beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'speechfold-output-path-'));
  model = path.join(root, 'model');
  await fs.mkdir(model);
  await fs.writeFile(path.join(model, 'config.json'), '{}');
});

afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const asFile = (inputs: string[]) => ({ option: '--report', inputs, kind: 'file' as const });
const asDir = (inputs: string[], force = false) => ({ option: '--out', inputs, kind: 'dir' as const, force });

describe('checkOutputPath', () => {
  it('refuses a file output that is, or is inside, an input: the model config, its weights, a data file', async () => {
    await expect(checkOutputPath(path.join(model, 'config.json'), asFile([model]))).rejects.toThrow(OptionError);
    await expect(checkOutputPath(path.join(model, 'model.safetensors'), asFile([model]))).rejects.toThrow(/--report: '.*model.safetensors' is inside the input/);
    const list = path.join(root, 'list.txt');
    await fs.writeFile(list, 'a.flac ref\n');
    await expect(checkOutputPath(list, asFile([model, list]))).rejects.toThrow(/is the input/);
  });

  it('sees through symlinks and relative paths', async () => {
    const link = path.join(root, 'link');
    await fs.symlink(model, link);
    await expect(checkOutputPath(path.join(link, 'config.json'), asFile([model]))).rejects.toThrow(/inside the input/);
    const cwd = process.cwd();
    process.chdir(model);
    try {
      await expect(checkOutputPath('config.json', asFile([model]))).rejects.toThrow(/inside the input/);
      await expect(checkOutputPath('.', asDir([path.join(root, 'elsewhere')], true))).rejects.toThrow(/current directory/);
    } finally {
      process.chdir(cwd);
    }
    expect(await resolveRealPath(path.join(link, 'no', 'such'))).toBe(path.join(await fs.realpath(model), 'no', 'such'));
  });

  it('refuses a dir output that holds an input, the root or an empty path', async () => {
    await expect(checkOutputPath(root, asDir([model], true))).rejects.toThrow(/holds the input/);
    await expect(checkOutputPath('/', asDir([model], true))).rejects.toThrow(/holds the input/);
    await expect(checkOutputPath('', asDir([model]))).rejects.toThrow(/--out: expected a directory path, got ""/);
    await expect(checkOutputPath(model, asDir([model], true))).rejects.toThrow(/is the input/);
  });

  it('refuses a missing or non-dir parent, a dir given as a file, an existing dir without force', async () => {
    await expect(checkOutputPath(path.join(root, 'no', 'x.json'), asFile([model]))).rejects.toThrow(PathError);
    await expect(checkOutputPath(path.join(root, 'no', 'x.json'), asFile([model]))).rejects.toThrow(/parent of --report .* does not exist/);
    await fs.writeFile(path.join(root, 'file'), '');
    await expect(checkOutputPath(path.join(root, 'file', 'x.json'), asFile([model]))).rejects.toThrow(/is not a directory/);
    await fs.mkdir(path.join(root, 'adir'));
    await expect(checkOutputPath(path.join(root, 'adir'), asFile([model]))).rejects.toThrow(/is a directory; expected a file path/);
    await expect(checkOutputPath(path.join(root, 'adir'), asDir([model]))).rejects.toThrow(/already exists; pass --force/);
    await expect(checkOutputPath(path.join(root, 'file'), asDir([model], true))).rejects.toThrow(/not a dir/);
  });

  it('accepts a fresh path beside the input and returns it absolute', async () => {
    expect(await checkOutputPath(path.join(root, 'out'), asDir([model]))).toBe(path.join(root, 'out'));
    expect(await checkOutputPath(path.join(root, 'report.json'), asFile([model, path.join(root, 'missing-input')]))).toBe(path.join(root, 'report.json'));
    await fs.mkdir(path.join(root, 'adir'));
    expect(await checkOutputPath(path.join(root, 'adir'), asDir([model], true))).toBe(path.join(root, 'adir'));
  });
});

describe('withPathErrors', () => {
  it('turns a filesystem error into a PathError naming the path and the errno', async () => {
    const enospc = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const error = await withPathErrors('out/x.json', 'write', () => Promise.reject(enospc)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PathError);
    expect((error as PathError).message).toBe('out/x.json: cannot write: ENOSPC (no space left on device)');
  });

  it('passes other errors and results through', async () => {
    await expect(withPathErrors('f', 'read', () => Promise.resolve(3))).resolves.toBe(3);
    await expect(withPathErrors('f', 'read', () => Promise.reject(new TypeError('bug')))).rejects.toThrow(TypeError);
    const typed = new OptionError('--x', 'bad');
    await expect(withPathErrors('f', 'read', () => Promise.reject(typed))).rejects.toBe(typed);
  });
});

describe('withPathErrors on a real failure', () => {
  it('names the path of a real ENOENT from node:fs', async () => {
    const missing = path.join(os.tmpdir(), 'speechfold-no-such-dir', 'x.json');
    const error = await withPathErrors(missing, 'write', () => fs.writeFile(missing, '{}')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PathError);
    expect((error as PathError).message).toBe(`${missing}: cannot write: ENOENT (no such file or directory)`);
  });
});
