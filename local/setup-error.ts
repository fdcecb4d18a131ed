/** A mistake in how the local tools were set up or called: shown as one line saying what to do. */
export class SetupError extends Error {
  override name = 'SetupError';
}

/**
 * Runs a local tool's main: a SetupError becomes one line on stderr and exit status 1, never a
 * stack trace; anything else is a bug and keeps its stack.
 */
export async function runTool(tool: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (!(error instanceof SetupError)) throw error;
    console.error(`${tool}: ${error.message}`);
    process.exit(1);
  }
}
