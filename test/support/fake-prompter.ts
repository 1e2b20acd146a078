import type { Prompter } from '../../src/core/ports.js';

/** One scripted answer. */
export type ScriptedAnswer =
  | { kind: 'confirm'; answer: boolean }
  | { kind: 'select'; answer: string }
  | { kind: 'password'; answer: string }
  | { kind: 'input'; answer: string };

/** A Prompter that replays scripted answers in order and throws on any unexpected prompt. */
export class FakePrompter implements Prompter {
  readonly asked: string[] = [];
  /** The choices of each select, as shown (name, else value). */
  readonly choices: string[][] = [];
  readonly #script: ScriptedAnswer[];
  constructor(script: ScriptedAnswer[]) {
    this.#script = [...script];
  }
  #next(kind: ScriptedAnswer['kind'], message: string): ScriptedAnswer {
    this.asked.push(message);
    const a = this.#script.shift();
    if (!a || a.kind !== kind) throw new Error(`unexpected ${kind} prompt: ${message}`);
    return a;
  }
  async confirm(message: string): Promise<boolean> {
    return this.#next('confirm', message).answer as boolean;
  }
  async select<T extends string>(
    message: string,
    choices: readonly { value: T; name?: string }[] = [],
  ): Promise<T> {
    this.choices.push(choices.map((c) => c.name ?? c.value));
    return this.#next('select', message).answer as T;
  }
  async password(message: string): Promise<string> {
    return this.#next('password', message).answer as string;
  }
  async input(message: string): Promise<string> {
    return this.#next('input', message).answer as string;
  }
  /** Throws when scripted answers were left unused (reg.Verify). */
  verify(): void {
    if (this.#script.length > 0) throw new Error(`${this.#script.length} scripted answers unused`);
  }
}
