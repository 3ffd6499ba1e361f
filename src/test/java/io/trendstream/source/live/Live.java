package io.trendstream.source.live;

import io.trendstream.post.Post;
import io.trendstream.source.PostSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Test helpers: take posts with a deadline, poll a condition with a deadline, close a source
 * under a waiting reader.
 */
final class Live {
  static final Duration DEADLINE = Duration.ofSeconds(30);

  private Live() {}

  /** Takes exactly {@code n} posts from the source, failing after {@link #DEADLINE}. */
  static List<Post> take(PostSource source, int n) throws Exception {
    ExecutorService ex = Executors.newSingleThreadExecutor();
    try {
      Future<List<Post>> f = ex.submit(() -> {
        List<Post> out = new ArrayList<>();
        while (out.size() < n) {
          Post p = source.next();
          if (p == null) {
            break;
          }
          out.add(p);
        }
        return out;
      });
      try {
        return f.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new AssertionError("no " + n + " posts within " + DEADLINE, e);
      }
    } finally {
      ex.shutdownNow();
    }
  }

  /** Closes the source while another thread waits in next(): that next() must return null. */
  static void assertCloseEndsABlockedNext(PostSource source) throws Exception {
    ExecutorService ex = Executors.newSingleThreadExecutor();
    try {
      Future<Post> blocked = ex.submit(source::next);
      source.close();
      Post got = blocked.get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
      if (got != null) {
        throw new AssertionError("next() after close() returned a post: " + got);
      }
    } finally {
      ex.shutdownNow();
    }
  }

  /** Polls {@code condition} until it holds, failing with {@code what} after the deadline. */
  static void await(String what, BooleanSupplier condition) {
    await(what, condition, () -> "");
  }

  static void await(String what, BooleanSupplier condition, Supplier<String> state) {
    long end = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what + " " + state.get());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }
}
