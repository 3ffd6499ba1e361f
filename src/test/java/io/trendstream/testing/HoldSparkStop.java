package io.trendstream.testing;

import java.util.concurrent.CountDownLatch;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;

/**
 * A stop that hangs, on purpose: {@code --conf spark.extraListeners=} this class makes
 * {@code SparkContext.stop()} wait for ever, as Spark waits for its listeners to finish and this
 * one never does. Prints {@link #HOLDING} when the stop begins. For tests of what must happen
 * while a graceful stop is still under way; the process can only be halted then.
 */
public final class HoldSparkStop extends SparkListener {
  public static final String HOLDING = "HoldSparkStop: holding SparkContext.stop()";

  @Override
  public void onApplicationEnd(SparkListenerApplicationEnd end) {
    System.err.println(HOLDING);
    System.err.flush();
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
