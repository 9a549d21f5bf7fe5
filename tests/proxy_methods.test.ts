/**
 * What a read of a function through a LocalProxy returns: an object's own
 * function-valued properties as they are (werkzeug returns attributes
 * unchanged), methods inherited from its prototype chain bound to it, the
 * same bound function each time.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Local, LocalManager, LocalProxy, LocalStack } from "../mod.ts";

class Model {
  static table = "models";
  static find(): string {
    return `found in ${this.table}`;
  }
}

function helper(): string {
  return "helped";
}
helper.version = 2;

class Counter {
  #count = 0;
  increment(): number {
    return ++this.#count;
  }
}

describe("LocalProxy function-valued properties", () => {
  it("own function-valued properties come back identical to the real value", () => {
    const stack = new LocalStack<{ Model: typeof Model; helper: typeof helper }>();
    const app = new LocalProxy(stack);
    stack.run({ Model, helper }, () => {
      assert.equal(app.Model, Model);
      assert.equal(app.Model.find(), "found in models");
      assert.equal(app.Model.table, "models");
      assert.equal(app.Model.name, "Model");
      assert.equal(app.helper, helper);
      assert.equal(app.helper.version, 2);
      assert.equal({ ...app }.Model, Model);
      assert.equal(Object.getOwnPropertyDescriptor(app, "helper")?.value, helper);
    });
  });

  it("object-literal methods run with this = the proxy, which reads the real object", () => {
    const stack = new LocalStack<{ name: string; greet(): string }>();
    const user = new LocalProxy(stack);
    const real = {
      name: "ada",
      greet(): string {
        return `hi ${this.name}`;
      },
    };
    stack.run(real, () => {
      assert.equal(user.greet, real.greet);
      assert.equal(user.greet(), "hi ada");
    });
  });

  it("a proxy over a class returns its static methods and properties as they are", () => {
    const current = new LocalProxy(() => Model, undefined, { callable: true });
    assert.equal(current.find, Model.find);
    assert.equal(current.find(), "found in models");
    assert.equal(current.table, "models");
  });

  it("inherited methods are bound to the real object, the same function each time", () => {
    const stack = new LocalStack<Counter>();
    const counter = new LocalProxy(stack);
    const real = new Counter();
    stack.run(real, () => {
      assert.equal(counter.increment, counter.increment);
      assert.notEqual(counter.increment, Counter.prototype.increment);
      const { increment } = counter;
      assert.equal(increment(), 1); // #private works: bound to the real object
      assert.equal(counter.increment(), 2);
    });
    stack.run(new Counter(), () => assert.equal(counter.increment(), 1));
  });

  it("a method is the same function through every frame and proxy of its object", () => {
    class Api {
      get(): string {
        return "get";
      }
      set(): string {
        return "set";
      }
    }
    const stack = new LocalStack<Api>();
    const api = new LocalProxy(stack);
    const other = new LocalProxy(stack);
    const real = new Api();
    const seen = stack.run(real, () => {
      // Alternating keys: each frame remembers only the key read last.
      const first = [api.get, api.set, api.get, other.set];
      const nested = stack.run(real, () => [api.get, api.set]); // a second frame
      stack.push(real);
      return [...first, ...nested, api.set, api.get];
    });
    const [get, set] = seen;
    assert.deepEqual(seen, [get, set, get, set, get, set, set, get]);
    assert.notEqual(get, set);
    assert.equal(get(), "get");
    assert.equal(set(), "set");
    const g = new Local<{ api: Api }>();
    const viaLocal = new LocalProxy(g, "api");
    new LocalManager().run(() => {
      g.api = real;
      assert.equal(viaLocal.get, get); // a proxy without frames, one cache
    });
  });

  it("methods of a proxied primitive are stable and bound to the primitive", () => {
    const stack = new LocalStack<number>();
    const amount = new LocalProxy<number>(stack);
    stack.run(1.25, () => {
      assert.equal(amount.toFixed, amount.toFixed);
      const { toFixed } = amount;
      assert.equal(toFixed(1), "1.3");
    });
    stack.run(2.5, () => assert.equal(amount.toFixed(0), "3"));
    const name = new LocalProxy<string>(() => "ada");
    assert.equal(name.toUpperCase, name.toUpperCase);
    assert.equal(name.toUpperCase(), "ADA");
  });
});
