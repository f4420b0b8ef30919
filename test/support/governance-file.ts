import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Writes a governance file for one test (e.g. with meeting times relative to now) and returns its path. */
export async function writeGovernanceFile(yaml: string): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), 'accord-governance-'));
  const file = path.join(folder, 'governance.yaml');
  await writeFile(file, yaml);
  return file;
}
