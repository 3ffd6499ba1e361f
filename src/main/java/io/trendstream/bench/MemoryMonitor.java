package io.trendstream.bench;

import io.trendstream.common.DaemonThreads;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Samples this JVM's used heap and the process's resident set every 100 ms. Input: nothing.
 * Output: peaks in bytes, overall and since the last {@link #resetPhase}, and the kernel's own
 * high-water mark ({@code VmHWM} in {@code /proc/self/status}), which sampling cannot miss.
 */
public final class MemoryMonitor implements AutoCloseable {
  private static final long INTERVAL_NANOS = 100_000_000L;
  private static final Path STATUS = Path.of("/proc/self/status");

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final AtomicLong peakHeap = new AtomicLong();
  private final AtomicLong phaseHeap = new AtomicLong();
  private final AtomicLong peakRss = new AtomicLong();
  private final AtomicLong phaseRss = new AtomicLong();
  private volatile boolean running = true;
  private final Thread thread;

  public MemoryMonitor() {
    thread = DaemonThreads.start("bench-memory", this::loop);
  }

  private void loop() {
    while (running) {
      sample();
      LockSupport.parkNanos(INTERVAL_NANOS);
    }
  }

  private void sample() {
    long heap = memory.getHeapMemoryUsage().getUsed();
    peakHeap.accumulateAndGet(heap, Math::max);
    phaseHeap.accumulateAndGet(heap, Math::max);
    long rss = procStatusBytes("VmRSS:");
    peakRss.accumulateAndGet(rss, Math::max);
    phaseRss.accumulateAndGet(rss, Math::max);
  }

  /** Peaks since the previous call (or the start), as {heap, rss} bytes; starts a new phase. */
  public long[] resetPhase() {
    sample();
    return new long[] {phaseHeap.getAndSet(0), phaseRss.getAndSet(0)};
  }

  public long peakHeapBytes() {
    return peakHeap.get();
  }

  /** The larger of the sampled peak and the kernel's high-water mark. */
  public long peakRssBytes() {
    return Math.max(peakRss.get(), procStatusBytes("VmHWM:"));
  }

  /** A {@code kB} line of /proc/self/status in bytes, or 0 where there is no /proc. */
  static long procStatusBytes(String field) {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith(field)) {
          String[] parts = line.substring(field.length()).trim().split("\\s+");
          return Long.parseLong(parts[0]) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux: report 0 rather than fail the benchmark.
    }
    return 0;
  }

  @Override
  public void close() {
    running = false;
    sample();
  }
}
