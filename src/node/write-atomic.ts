/**
 * The one way kefu replaces a file it owns (KB files written back, the learning queue,
 * `kefu build`'s index, the vector cache): a temp file beside it, flushed to disk, then
 * renamed over it. A crash leaves the old file or the new one, never half of either.
 */
import { open, rename, rm } from 'node:fs/promises';

/** Replace a file's content atomically: write a temp file beside it, then rename over it. */
export async function writeFileAtomic(file: string, text: string | Uint8Array): Promise<void> {
  const tmp = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(text);
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
  await fh.close();
  await rename(tmp, file);
}
