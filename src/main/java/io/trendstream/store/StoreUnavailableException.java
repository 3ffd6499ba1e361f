package io.trendstream.store;

/** The serving store cannot be reached or refuses to set up its tables: the message says why. */
public final class StoreUnavailableException extends RuntimeException {
  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
