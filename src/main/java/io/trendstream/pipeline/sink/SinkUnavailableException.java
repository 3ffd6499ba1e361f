package io.trendstream.pipeline.sink;

/**
 * A durable sink's destination cannot be reached or prepared at start (broker down, wrong
 * database URL, no permission to create a table). The message is one line for the user.
 */
public final class SinkUnavailableException extends RuntimeException {
  public SinkUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
