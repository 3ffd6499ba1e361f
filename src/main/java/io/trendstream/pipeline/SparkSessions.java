package io.trendstream.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession with settings sized for a laptop. Under {@code spark-submit} the
 * master and any {@code --conf} come from there and win; these are only defaults.
 */
public final class SparkSessions {
  public static final String APP_NAME = "trendstream";
  /**
   * Renames with FileSystem.rename (atomic on local disks and HDFS for the new files Spark
   * writes); Spark's default goes through FileContext, whose local rename forks readlink.
   */
  static final String FS_CHECKPOINT_MANAGER =
      "org.apache.spark.sql.execution.streaming.checkpointing.FileSystemBasedCheckpointFileManager";

  public static final String STATE_PROVIDER = "spark.sql.streaming.stateStore.providerClass";
  public static final String ROCKSDB_PROVIDER =
      "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider";
  private static final String ROCKSDB = "spark.sql.streaming.stateStore.rocksdb.";
  static final String EXECUTOR_CLASSPATH = "spark.executor.extraClassPath";
  private static final String SCHEDULER_MODE = "spark.scheduler.mode";
  private static final String ALLOCATION_FILE = "spark.scheduler.allocation.file";

  private SparkSessions() {}

  /**
   * @param master e.g. {@code local[*]}; null keeps what spark-submit set (or local[*])
   * @param overrides {@code --conf} pairs, applied last
   */
  public static SparkSession create(String master, Map<String, String> overrides) {
    SparkConf conf = new SparkConf(true).setAppName(APP_NAME);
    if (master != null) {
      conf.setMaster(master);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
    int cores = Runtime.getRuntime().availableProcessors();
    // 200 (Spark's default) is 3.3x slower here than a few: tiny batches, one task each.
    conf.setIfMissing("spark.sql.shuffle.partitions", Integer.toString(Math.max(2, cores)));
    // Window bounds read the same on every machine, and come back as Instants.
    conf.setIfMissing("spark.sql.session.timeZone", "UTC");
    conf.setIfMissing("spark.sql.datetime.java8API.enabled", "true");
    // Console progress bars would garble the per-batch status lines.
    conf.setIfMissing("spark.ui.showConsoleProgress", "false");
    // Keep Spark on loopback unless told otherwise: no surprise exposure, no hostname warning.
    conf.setIfMissing("spark.driver.host", "127.0.0.1");
    conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
    // Stopped queries with no checkpoint must not leave temp dirs behind.
    conf.setIfMissing("spark.sql.streaming.forceDeleteTempCheckpointLocation", "true");
    // Without Hadoop's native library, local checkpoints cost a chmod process per file created
    // and (default FileContext manager) two readlink processes per rename: ~100 forks per
    // micro-batch. Measured: walCommit 50 ms -> 3 ms. See docs/benchmarks.md.
    conf.setIfMissing("spark.hadoop.fs.file.impl", NoShellLocalFileSystem.class.getName());
    conf.setIfMissing("spark.sql.streaming.checkpointFileManagerClass", FS_CHECKPOINT_MANAGER);
    // Per-session artifact isolation gives each streaming query's tasks a class loader of their
    // own, so Spark's code cache misses and every query compiles its ~14 classes again (and
    // the JIT starts over): ~0.8 s of CPU per query start. We add no per-session jars.
    conf.setIfMissing("spark.sql.artifact.isolation.enabled", "false");
    // The counts' state grows with the vocabulary (millions of words on a real stream): kept in
    // RocksDB, off the heap and bounded, instead of the default provider's heap maps; the
    // changelog uploads each batch's changes, not the whole state. See docs/benchmarks.md.
    conf.setIfMissing(STATE_PROVIDER, ROCKSDB_PROVIDER);
    conf.setIfMissing(ROCKSDB + "changelogCheckpointing.enabled", "true");
    conf.setIfMissing(ROCKSDB + "boundedMemoryUsage", "true");
    conf.setIfMissing(ROCKSDB + "maxMemoryUsageMB", "512");
    overrides.forEach(conf::set);
    String resolved = conf.get("spark.master");
    if (resolved.startsWith("spark://") && !conf.contains("spark.jars")
        && !conf.contains(EXECUTOR_CLASSPATH) && isLoopback(resolved)) {
      // Started from a class path, not spark-submit: no jar to ship. Executors of a cluster on
      // this machine (trendstream cluster up) read the same files, so they get this class path.
      conf.set(EXECUTOR_CLASSPATH, System.getProperty("java.class.path"));
    }
    // The count queries' tasks take a free core first; under FIFO they waited behind tasks the
    // other queries queued earlier (p99 latency 1.07-1.15 s -> 0.80-0.82 s, benchmarks.md).
    if (!conf.contains(SCHEDULER_MODE) && !conf.contains(ALLOCATION_FILE)) {
      conf.set(SCHEDULER_MODE, "FAIR");
      conf.set(ALLOCATION_FILE, poolsFile());
    }
    return SparkSession.builder().config(conf).getOrCreate();
  }

  /** Whether a {@code spark://HOST:PORT[,HOST:PORT]} master runs on this machine's loopback. */
  public static boolean isLoopback(String master) {
    for (String hostPort : master.substring("spark://".length()).split(",")) {
      String host = hostPort.contains(":") ? hostPort.substring(0, hostPort.lastIndexOf(':'))
          : hostPort;
      if (!host.equals("localhost") && !host.startsWith("127.")) {
        return false;
      }
    }
    return true;
  }

  /**
   * The FAIR scheduler's pools, as a file for {@value #ALLOCATION_FILE} (Spark's class loader
   * does not see a fairscheduler.xml inside an application jar under spark-submit). The counts
   * pool's minShare makes it take each free core while its tasks wait; the side pool gets the
   * rest.
   */
  private static String poolsFile() {
    String xml = """
        <?xml version="1.0"?>
        <allocations>
          <pool name="%s">
            <schedulingMode>FAIR</schedulingMode><weight>10</weight><minShare>2</minShare>
          </pool>
          <pool name="%s">
            <schedulingMode>FAIR</schedulingMode><weight>1</weight><minShare>0</minShare>
          </pool>
        </allocations>
        """.formatted(StreamingJob.COUNTS_POOL, StreamingJob.SIDE_POOL);
    try {
      Path file = Files.createTempFile("trendstream-pools", ".xml");
      file.toFile().deleteOnExit();
      Files.writeString(file, xml);
      return file.toUri().toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the scheduler pools file", e);
    }
  }
}
