// The terminal a prompt talks to: where answers are read from. The prompts adapter decides
// where questions are drawn (never stdout, which may carry --json).

/** The person's input stream for prompts. */
export interface PromptTerminal {
  /** Where answers are read from (the command's stdin). */
  readonly input: NodeJS.ReadableStream;
}
