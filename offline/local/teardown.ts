/**
 * What `npm run local` has started, stopped in the reverse order (the API before the servers it
 * uses). A stop that comes while servers are still starting (Ctrl-C during start-up) first waits
 * for those starts to finish or fail, then stops them too: a child left starting would outlive the
 * runner. Each step is bounded, so one server that hangs cannot keep the others running.
 */
export class Teardown {
  private readonly steps: { name: string; stop: () => Promise<void> }[] = [];
  private readonly starting: Promise<unknown>[] = [];
  private stopping: Promise<string[]> | undefined;

  constructor(private readonly stepTimeoutMs = 15_000) {}

  get started(): boolean {
    return this.stopping !== undefined;
  }

  /** A server being started: once it is up, `stop(server)` is a step of the teardown. */
  track<T>(name: string, start: Promise<T>, stop: (server: T) => Promise<void>): Promise<T> {
    const up = start.then((server) => {
      this.steps.push({ name, stop: () => stop(server) });
      return server;
    });
    this.starting.push(up.catch(() => undefined));
    return up;
  }

  /** Something already running (started synchronously). */
  add(name: string, stop: () => Promise<void>): void {
    this.steps.push({ name, stop });
  }

  /** Waits for starts in progress, then stops everything, last up first; resolves with one line per step that failed. */
  stopAll(): Promise<string[]> {
    this.stopping ??= (async () => {
      await Promise.allSettled(this.starting);
      const failures: string[] = [];
      // Until none is left: something added while the others stop (the API spawned as the stop began) is stopped too.
      while (this.steps.length > 0) {
        for (const step of this.steps.splice(0).reverse()) {
          const failure = await this.run(step);
          if (failure) failures.push(failure);
        }
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
