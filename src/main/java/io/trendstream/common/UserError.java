package io.trendstream.common;

/**
 * A mistake the user can fix (missing file, unreachable broker, bad value found after parsing).
 * The CLI ({@code io.trendstream.cli.Main}) prints its message on one line, no stack trace, and
 * exits 1. Bad flags are picocli's ParameterException instead (exit 2). It lives here, below
 * every layer, because sources, the producer and the CLI all throw it.
 */
public class UserError extends RuntimeException {
  public UserError(String message) {
    super(message);
  }

  public UserError(String message, Throwable cause) {
    super(message, cause);
  }
}
