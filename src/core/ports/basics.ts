/** Small ports the core takes as arguments (clock, randomness, reporter, prompts), so tests inject fakes instead of patching modules. */

/** Wall-clock time. Core never calls Date.now(). */
export interface Clock {
  now(): Date;
}

/** Randomness for canary names and ids. Core never calls Math.random(). */
export interface Random {
  /** `length` lowercase hex characters. */
  hex(length: number): string;
}

/** Progress and diagnostics from long-running core services (rendered by the CLI). */
export interface Reporter {
  step(message: string): void;
  warn(message: string): void;
}

/** A Reporter that drops everything. */
export const silentReporter: Reporter = { step() {}, warn() {} };

/** Narrow prompt port; the inquirer adapter implements it, tests use a scripted fake. */
export interface Prompter {
  confirm(message: string, defaultValue?: boolean): Promise<boolean>;
  select<T extends string>(
    message: string,
    choices: readonly { value: T; name?: string; description?: string }[],
  ): Promise<T>;
  password(message: string): Promise<string>;
  /** A line of text (a name, a URL, a list); `defaultValue` is offered and returned on Enter. */
  input(message: string, defaultValue?: string): Promise<string>;
}
