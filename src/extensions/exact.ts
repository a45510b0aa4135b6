/**
 * `Exact<A, Shape>`: compile-time exactness for bodies the client also checks at runtime (the agent operations and
 * `defineAgent`). Used as `function f<A extends Shape>(value: A & Exact<A, Shape>)`:
 *  - `A extends Shape` checks types, required fields and closed lists as usual;
 *  - `Exact` then walks the inferred `A` against `Shape` and maps every key the matching schema does not declare to
 *    `never`, so a misspelt key is an error at that key.
 *
 * Why this is needed: the spec's unions keep a catch-all alternative (`OtherSynthesizer`, `OtherLlmProvider`, ...)
 * so that a provider Bolna adds tomorrow still compiles. TypeScript cannot express "any string except the known
 * providers", so for a plain `Synthesizer` annotation `{ provider: "elevenlabs", provider_config: { voice_idd } }`
 * fits the catch-all. Here the alternative is chosen the way the server chooses it: an alternative whose literal
 * property (`provider: "elevenlabs"`, `condition_type: "event"`, `node_type: "static"`) matches wins over one that
 * merely accepts any string there. An object that carries user data (an index signature) accepts any key.
 *
 * Type-level only; nothing here exists at runtime.
 */

type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;

/** One literal value (`"elevenlabs"`, not `string` and not a list of values such as an enum). */
type IsConstant<T> = [T] extends [never]
  ? false
  : [T] extends [string | number | boolean]
    ? string extends T
      ? false
      : number extends T
        ? false
        : true extends IsUnion<T>
          ? false
          : true
    : false;

/** Keys fixed to one constant (the discriminating constants of an alternative). */
type LiteralKeys<S> = { [K in keyof S]-?: IsConstant<Exclude<S[K], undefined>> extends true ? K : never }[keyof S];

// `{}` is assignable to `Pick<S, K>` exactly when K is optional: the usual way to tell required keys apart.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type RequiredKeys<S> = { [K in keyof S]-?: {} extends Pick<S, K> ? never : K }[keyof S];

/** An alternative fits `A` unless one of its literal keys disagrees with `A` (or is required and missing). */
type Fits<A, M> = [LiteralKeys<M>] extends [never]
  ? true
  : [
        {
          [K in LiteralKeys<M>]: K extends keyof A
            ? A[K] extends M[K]
              ? true
              : false
            : K extends RequiredKeys<M>
              ? false
              : true;
        }[LiteralKeys<M>],
      ] extends [true]
    ? true
    : false;

/** An alternative `A` selects by a literal it actually carries (as opposed to a catch-all that fits anything). */
type Selected<A, M> = [
  { [K in LiteralKeys<M> & keyof A]: A[K] extends M[K] ? true : false }[LiteralKeys<M> & keyof A],
] extends [never]
  ? false
  : true;

type Fitting<A, S> = S extends unknown ? (Fits<A, S> extends true ? S : never) : never;
type SelectedBy<A, S> = S extends unknown ? (Selected<A, S> extends true ? S : never) : never;

/** The alternatives of `S` that describe `A`: the ones `A` selects by a literal, else every one it fits. */
type Alternative<A, S> = [SelectedBy<A, Fitting<A, S>>] extends [never] ? Fitting<A, S> : SelectedBy<A, Fitting<A, S>>;

type KeysOf<S> = S extends unknown ? (string extends keyof S ? string : keyof S) : never;
type PropertyOf<S, K> = S extends unknown
  ? K extends keyof S
    ? S[K]
    : S extends { [key: string]: infer V }
      ? V
      : never
  : never;
type ObjectPart<S> = Exclude<Extract<S, object>, readonly unknown[]>;
type ArrayPart<S> = Extract<S, readonly unknown[]>;

export type Exact<A, Shape> = 0 extends 1 & Shape
  ? unknown
  : unknown extends Shape
    ? unknown
    : A extends readonly (infer E)[]
      ? ArrayPart<Shape> extends readonly (infer SE)[]
        ? number extends A["length"]
          ? readonly Exact<E, SE>[]
          : // A tuple (what a literal array infers as) is mapped element by element, so an error lands in the
            // element at fault, not at the whole array.
            { [I in keyof A]: Exact<A[I], SE> }
        : Shape
      : A extends object
        ? ExactObject<A, Alternative<A, ObjectPart<Shape>>>
        : Shape;

type ExactObject<A, S> = [S] extends [never]
  ? unknown
  : { [K in keyof A]: K extends KeysOf<S> ? Exact<A[K], PropertyOf<S, K>> : never } & (true extends IsUnion<S>
      ? unknown
      : { [K in Exclude<RequiredKeys<S>, keyof A>]-?: PropertyOf<S, K> });
