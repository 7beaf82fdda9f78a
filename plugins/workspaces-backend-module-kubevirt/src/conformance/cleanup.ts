/**
 * What a run has made, each with its removal, noted as soon as it exists so
 * that a setup failing halfway still leaves nothing behind.
 */
export class Cleanup {
  private readonly steps: Array<{
    what: string;
    remove: () => Promise<unknown>;
  }> = [];

  add(what: string, remove: () => Promise<unknown>) {
    this.steps.push({ what, remove });
  }

  /**
   * Removes everything, newest first, so the namespace made first goes
   * last; goes on past a failure and returns what could not be removed.
   */
  async removeAll(): Promise<string[]> {
    const failed: string[] = [];
    for (const step of [...this.steps].reverse()) {
      try {
        await step.remove();
      } catch (error) {
        failed.push(`${step.what}: ${(error as Error).message}`);
      }
    }
    return failed;
  }
}
