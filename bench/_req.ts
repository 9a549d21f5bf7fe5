/**
 * The object every benchmark holds as "the current request": one own field
 * and one prototype method.
 *
 * @module
 */

/** A request-like object with an attribute `a` and a prototype method `m()`. */
export class Req {
  a = 1;
  m(): number {
    return this.a;
  }
}
