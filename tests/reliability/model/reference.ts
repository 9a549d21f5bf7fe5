/**
 * The reference model of the scope contract (CONTRIBUTING.md, "The scope
 * model"), as plainly as possible: a scope is a full copy of its parent's
 * values taken when it opens; writes change that copy in place. No sharing, no epochs, no AsyncLocalStorage: the
 * interpreter passes the model scope along by hand, which is what the
 * library's implicit context must reproduce.
 *
 * @module
 */

/** One pushed item; `token` identifies the push so that its Disposable can undo it. */
export interface ModelFrame {
  readonly item: object;
  readonly token: object;
}

let scopeCount = 0;

/** One context: every Local's values and every LocalStack's frames (bottom first). */
export class ModelScope {
  readonly name: string;
  readonly locals: Map<PropertyKey, object>[];
  readonly stacks: ModelFrame[][];

  constructor(locals: number, stacks: number, parent?: ModelScope, name?: string) {
    this.name = name ?? (parent === undefined ? "top" : `scope${++scopeCount}`);
    this.locals = parent === undefined
      ? Array.from({ length: locals }, () => new Map())
      : parent.locals.map((values) => new Map(values));
    this.stacks = parent === undefined
      ? Array.from({ length: stacks }, () => [])
      : parent.stacks.map((frames) => [...frames]);
  }

  /** A child scope starting with this scope's values as they are now. */
  fork(): ModelScope {
    return new ModelScope(this.locals.length, this.stacks.length, this);
  }

  /** Pushes `item` and returns the token of this push. */
  push(stack: number, item: object): object {
    const token = {};
    this.stacks[stack].push({ item, token });
    return token;
  }

  pop(stack: number): object | undefined {
    return this.stacks[stack].pop()?.item;
  }

  top(stack: number): object | undefined {
    return this.stacks[stack].at(-1)?.item;
  }

  /** Undoes the push `token` if its frame is still in this scope's stack. */
  undoPush(stack: number, token: object): void {
    const frames = this.stacks[stack];
    const at = frames.findIndex((frame) => frame.token === token);
    if (at !== -1) frames.splice(at, 1);
  }

  releaseLocal(local: number): void {
    this.locals[local].clear();
  }

  releaseStack(stack: number): void {
    this.stacks[stack].length = 0;
  }
}
