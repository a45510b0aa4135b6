/**
 * `APIPromise`: what a generated method for a non-paginated operation returns. Awaiting it gives the parsed data,
 * exactly as a plain promise would; `.withResponse()` gives the data together with the HTTP `Response` (status,
 * headers such as the rate-limit ones), for the one request that produced it.
 *
 * It is a real `Promise` subclass, so `.catch`, `.finally` and `instanceof Promise` work. `then`/`catch`/`finally`
 * return plain `Promise`s (`Symbol.species`), since a derived promise has no response of its own.
 */

/** The data of a call together with the response it was read from. */
export interface WithResponse<T> {
  data: T;
  /** The final response (after any retries). Its body has already been read into `data`. */
  response: Response;
}

export class APIPromise<T> extends Promise<T> {
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  readonly #withResponse: Promise<WithResponse<T>>;
  #data: Promise<T> | undefined;

  /** `source` is the call already under way; nothing is sent by the constructor itself. */
  constructor(source: Promise<WithResponse<T>>) {
    // The base promise is never observed: every reaction goes through `#data()`, so a failure is reported once, to
    // whichever of `await` or `.withResponse()` the caller used, and never as an extra unhandled rejection.
    super((resolve) => resolve(undefined as T));
    this.#withResponse = source;
  }

  /** The data and the `Response` it came from. */
  withResponse(): Promise<WithResponse<T>> {
    return this.#withResponse;
  }

  override then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#parsed().then(onfulfilled, onrejected);
  }

  override catch<R = never>(onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.#parsed().catch(onrejected);
  }

  override finally(onfinally?: (() => void) | null): Promise<T> {
    return this.#parsed().finally(onfinally);
  }

  #parsed(): Promise<T> {
    this.#data ??= this.#withResponse.then(({ data }) => data);
    return this.#data;
  }
}
