package io.trendstream.source.live;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The most recent post ids a source has passed on, for removing duplicates (a Jetstream replay
 * after a reconnect, an X page that shifted). Input: ids; output: whether each is new. Bounded
 * so a source that runs for days keeps constant memory: the oldest id is forgotten first, and
 * duplicates only ever come from the last few seconds or pages. Thread-safe.
 */
public final class RecentIds {
  /** Far more than the posts in a reconnect margin or one X poll. */
  public static final int DEFAULT_CAPACITY = 200_000;

  private final Map<Long, Boolean> ids;

  public RecentIds(int capacity) {
    this.ids = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }

  /** @return true when {@code id} was not among the remembered ids (it is remembered now) */
  public synchronized boolean add(long id) {
    return ids.put(id, Boolean.TRUE) == null;
  }

  public synchronized int size() {
    return ids.size();
  }
}
