import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OptionError, PathError } from './errors';
import { checkOutputPath, createParentDirs, missingParentDirs, removeEmptyDirs, resolveRealPath, withPathErrors } from './output-path';

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

  it('refuses a non-dir parent (or ancestor), a dir given as a file, an existing dir without force', async () => {
    await fs.writeFile(path.join(root, 'file'), '');
    await expect(checkOutputPath(path.join(root, 'file', 'x.json'), asFile([model]))).rejects.toThrow(PathError);
    await expect(checkOutputPath(path.join(root, 'file', 'x.json'), asFile([model]))).rejects.toThrow(/is not a directory/);
    await expect(checkOutputPath(path.join(root, 'file', 'a', 'b', 'x.json'), asFile([model]))).rejects.toThrow(
      `${path.join(root, 'file')}: the parent of --report '${path.join(root, 'file', 'a', 'b', 'x.json')}' cannot be created: this is not a directory`,
    );
    await fs.mkdir(path.join(root, 'adir'));
    await expect(checkOutputPath(path.join(root, 'adir'), asFile([model]))).rejects.toThrow(/is a directory; expected a file path/);
    await expect(checkOutputPath(path.join(root, 'adir'), asDir([model]))).rejects.toThrow(/already exists; pass --force/);
    await expect(checkOutputPath(path.join(root, 'file'), asDir([model], true))).rejects.toThrow(/not a dir/);
  });

  it('accepts an output whose parents are missing, creating nothing, but never inside or holding an input', async () => {
    const nested = path.join(root, 'a', 'b', 'c');
    expect(await checkOutputPath(nested, asDir([model]))).toBe(nested);
    expect(await checkOutputPath(path.join(root, 'x', 'y', 'r.json'), asFile([model]))).toBe(path.join(root, 'x', 'y', 'r.json'));
    expect((await fs.readdir(root)).sort()).toEqual(['model']);
    await expect(checkOutputPath(path.join(model, 'a', 'b'), asDir([model]))).rejects.toThrow(/inside the input/);
    await expect(checkOutputPath(path.join(model, 'a', 'r.json'), asFile([model]))).rejects.toThrow(/inside the input/);
    // An input below a missing dir cannot exist, but a missing input is skipped, not held.
    await expect(checkOutputPath(path.join(root, 'a'), asDir([path.join(root, 'a', 'b', 'input')]))).rejects.toThrow(/holds the input/);
    expect((await fs.readdir(root)).sort()).toEqual(['model']);
  });

  it('refuses an output whose nearest existing ancestor is not writable', async () => {
    if (process.getuid?.() === 0) return; // root writes anywhere
    const locked = path.join(root, 'locked');
    await fs.mkdir(locked, { mode: 0o500 });
    try {
      await expect(checkOutputPath(path.join(locked, 'a', 'out'), asDir([model]))).rejects.toThrow(/cannot create the parent dirs of --out/);
      await expect(checkOutputPath(path.join(locked, 'out'), asDir([model]))).rejects.toThrow(/cannot write in the parent of --out/);
    } finally {
      await fs.chmod(locked, 0o700);
    }
  });

  it('accepts a fresh path beside the input and returns it absolute', async () => {
    expect(await checkOutputPath(path.join(root, 'out'), asDir([model]))).toBe(path.join(root, 'out'));
    expect(await checkOutputPath(path.join(root, 'report.json'), asFile([model, path.join(root, 'missing-input')]))).toBe(path.join(root, 'report.json'));
    await fs.mkdir(path.join(root, 'adir'));
    expect(await checkOutputPath(path.join(root, 'adir'), asDir([model], true))).toBe(path.join(root, 'adir'));
  });
});

describe('createParentDirs', () => {
  it('creates the missing parents (mkdir -p) and names them deepest first; removeEmptyDirs undoes it', async () => {
    const out = path.join(root, 'a', 'b', 'c', 'out');
    expect(await missingParentDirs(out)).toEqual([path.join(root, 'a', 'b', 'c'), path.join(root, 'a', 'b'), path.join(root, 'a')]);
    const created = await createParentDirs(out);
    expect(created).toEqual([path.join(root, 'a', 'b', 'c'), path.join(root, 'a', 'b'), path.join(root, 'a')]);
    expect((await fs.stat(path.join(root, 'a', 'b', 'c'))).isDirectory()).toBe(true);
    expect(await createParentDirs(out)).toEqual([]);
    await removeEmptyDirs(created);
    expect((await fs.readdir(root)).sort()).toEqual(['model']);
  });

  it('removes only empty dirs: what another writer put there stays, with its ancestors', async () => {
    const created = await createParentDirs(path.join(root, 'a', 'b', 'out'));
    await fs.writeFile(path.join(root, 'a', 'theirs.txt'), 'keep');
    await removeEmptyDirs(created);
    expect(await fs.readdir(path.join(root, 'a'))).toEqual(['theirs.txt']);
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
