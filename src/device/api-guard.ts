import { EmulatorError } from '../sim/messages';

/**
 * Names JavaScript and test tools ask any object for (awaiting it, printing it, comparing it):
 * not sketch API members, so asking for them is never an error.
 */
const LANGUAGE_NAMES = new Set(['then', 'toJSON', 'asymmetricMatch', 'nodeType', 'tagName', 'inspect', 'constructor', 'prototype', 'length', 'name', 'caller', 'arguments']);
const isLanguageName = (name: string | symbol): boolean => typeof name === 'symbol' || LANGUAGE_NAMES.has(name) || /^[_$@]/.test(name);

/** What a sketch is told when it uses a member of Particle's API that the emulator does not model. */
export function unimplemented(member: string): EmulatorError {
  return new EmulatorError(
    'UNIMPLEMENTED_API',
    'Failed to use {member}: virtual-boron does not model it yet. See the Fidelity table in its README (README.md#fidelity) for what is emulated, and leave the call out of the code under test.',
    { member },
  );
}

/**
 * Make `object`'s missing members throw UNIMPLEMENTED_API, naming `owner.member`. A guard goes in
 * as the object's prototype, so the members it has are found before it and cost nothing more;
 * only a name the object lacks reaches the guard. The object itself stays what it was.
 */
export function guardMembers<T extends object>(object: T, owner: string | undefined): T {
  Object.setPrototypeOf(object, guardingPrototype(Object.getPrototypeOf(object) as object | null, owner));
  return object;
}

/**
 * A prototype that behaves as `base` for the names `base` has, and throws for the rest. A class's
 * members (those above Object's or Function's own) are copied onto a plain object in front of the
 * guard, so that the calls a sketch makes per chunk (a TCPClient's) never go through the Proxy.
 */
export function guardingPrototype(base: object | null, owner: string | undefined): object {
  // It depends on nothing else, so each boot of each device shares one: a finished device keeps none of its own.
  let byOwner = GUARDS.get(base ?? NO_BASE);
  if (!byOwner) GUARDS.set(base ?? NO_BASE, (byOwner = new Map()));
  let made = byOwner.get(owner);
  if (!made) byOwner.set(owner, (made = makeGuard(base, owner)));
  return made;
}

/** Guards made, by base and owner. */
const GUARDS = new WeakMap<object, Map<string | undefined, object>>();
/** The key for a base of null. */
const NO_BASE = {};

function makeGuard(base: object | null, owner: string | undefined): object {
  const classes: object[] = [];
  let root = base;
  while (root !== null && root !== Object.prototype && root !== Function.prototype) {
    classes.push(root);
    root = Object.getPrototypeOf(root) as object | null;
  }
  const guard = new Proxy(root ?? Object.create(null), {
    get(target, name, receiver) {
      if (isLanguageName(name) || Reflect.has(target, name)) return Reflect.get(target, name, receiver);
      throw unimplemented(owner ? `${owner}.${String(name)}` : String(name));
    },
  });
  if (classes.length === 0) return guard;
  const members = Object.create(guard) as object;
  // The nearest class's members last, so that they win over those they override.
  for (const proto of classes.reverse()) Object.defineProperties(members, Object.getOwnPropertyDescriptors(proto));
  return members;
}
