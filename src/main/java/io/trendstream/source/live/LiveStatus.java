package io.trendstream.source.live;

/**
 * A snapshot of a live source's counters for the producer's status line. Output of
 * {@link LiveSource#status()}.
 *
 * @param events raw payloads received (Jetstream events of every kind, X tweet objects)
 * @param received posts passed on (after {@code --filter}, without duplicates)
 * @param duplicates posts dropped because one with the same id was already passed on
 * @param errors failed requests, dropped connections and malformed payloads
 * @param backoffMillis the wait in progress before the next attempt, 0 when none
 * @param resume the flag that resumes where this run stopped, e.g. {@code --cursor 172591116},
 *     {@code --since-id 1877}, or empty before anything was received
 * @param rateLimitWaits waits for the API's rate limit to reset
 * @param reconnects connections opened again after one failed or was lost
 */
public record LiveStatus(
    long events, long received, long duplicates, long errors, long backoffMillis, String resume,
    long rateLimitWaits, long reconnects) {

  /** Without rate-limit waits or reconnects. */
  public LiveStatus(long events, long received, long duplicates, long errors,
      long backoffMillis, String resume) {
    this(events, received, duplicates, errors, backoffMillis, resume, 0, 0);
  }

  /** E.g. {@code received 80, duplicates 2, errors 1, backoff 4s, resume --cursor 17259111}. */
  public String summary() {
    StringBuilder s = new StringBuilder()
        .append("received ").append(received)
        .append(", duplicates ").append(duplicates)
        .append(", errors ").append(errors)
        .append(", backoff ").append(seconds(backoffMillis));
    if (!resume.isEmpty()) {
      s.append(", resume ").append(resume);
    }
    return s.toString();
  }

  /** Whole seconds, rounded up, so a pending 300 ms wait does not read "0s". */
  static String seconds(long millis) {
    return ((millis + 999) / 1000) + "s";
  }
}
