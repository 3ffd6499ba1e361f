package io.trendstream.pipeline.sink;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_date;

import io.trendstream.pipeline.DurableSink;
import io.trendstream.pipeline.SinkContext;
import io.trendstream.pipeline.TrendQueries;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * {@code --sink parquet:DIR}: every parsed post as Parquet under DIR, partitioned by
 * {@value #DATE} ({@code DIR/date=2026-11-24/part-….parquet}), through Spark's file sink as the
 * query {@value #QUERY}. Rows: the nine post fields, {@code event_time} and {@value #DATE}
 * (the event time's day in the session time zone, UTC by default).
 *
 * <p>Exactly-once: the file sink lists the files of each committed batch in
 * {@code DIR/_spark_metadata}, and Spark's readers ({@code spark.read.parquet(DIR)}) read only
 * those, so files of a batch that was cut short and replayed are never read twice. Readers
 * that list the directory themselves (plain Parquet tools) can see such leftovers.
 */
public final class ParquetPostSink implements DurableSink {
  public static final String QUERY = "tweets_parquet";
  public static final String DATE = "date";

  private final Path dir;

  public ParquetPostSink(Path dir) {
    this.dir = dir;
  }

  @Override
  public String describe() {
    return "parquet:" + dir;
  }

  @Override
  public List<StreamingQuery> start(SinkContext context) throws TimeoutException {
    Dataset<Row> rows = context.posts()
        .withColumn(DATE, to_date(col(TrendQueries.EVENT_TIME)));
    return List.of(context.writer(QUERY, rows, OutputMode.Append())
        .format("parquet")
        .partitionBy(DATE)
        .option("path", dir.toAbsolutePath().toString())
        .start());
  }
}
