/**
 * What `npm run local` has started, stopped in the reverse order (the API before the servers it
 * uses). A server that finishes starting after the stop began is stopped at once, so a Ctrl-C during
 * start-up leaves nothing running either. Each step is bounded: one server that hangs cannot keep
 * the others running.
 */
export class Teardown {
  private readonly steps: { name: string; stop: () => Promise<void> }[] = [];
  private stopping: Promise<string[]> | undefined;

  constructor(private readonly stepTimeoutMs = 15_000) {}

  get started(): boolean {
    return this.stopping !== undefined;
  }

  add(name: string, stop: () => Promise<void>): void {
    if (this.stopping) {
      void this.stopping.then(() => this.run({ name, stop }));
      return;
    }
    this.steps.push({ name, stop });
  }

  /** Stops everything, last added first; resolves with one line per step that failed. */
  stopAll(): Promise<string[]> {
    this.stopping ??= (async () => {
      const failures: string[] = [];
      for (const step of this.steps.splice(0).reverse()) {
        const failure = await this.run(step);
        if (failure) failures.push(failure);
      }
      return failures;
    })();
    return this.stopping;
  }

  private async run(step: { name: string; stop: () => Promise<void> }): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`${step.name} did not stop within ${this.stepTimeoutMs} ms`), this.stepTimeoutMs);
    });
    try {
      return await Promise.race([step.stop().then(() => undefined), timeout]);
    } catch (error) {
      return `${step.name} failed to stop: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      clearTimeout(timer);
    }
  }
}
