/**
 * Stops each part in order, every one even when an earlier one could not stop: a failure is
 * reported on stderr and must not leave the rest (the emulator, the database) running.
 */
export async function stopEach(
  steps: ReadonlyArray<() => Promise<void> | undefined>,
): Promise<void> {
  for (const step of steps) {
    await Promise.resolve()
      .then(step)
      .catch((error: unknown) => console.error(`stopping: ${(error as Error).message}`));
  }
}
