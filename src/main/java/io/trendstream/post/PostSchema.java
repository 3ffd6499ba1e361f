package io.trendstream.post;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark schema of a post on the {@code tweets} topic: the nine fields the posts table keeps
 * (everything else in a full v1.1 tweet object is skipped), as
 * {@code io.trendstream.pipeline.PostFields#read} reads them from the Kafka value.
 */
public final class PostSchema {
  public static final String CREATED_AT = "created_at";
  public static final String ID = "id";
  public static final String ID_STR = "id_str";
  public static final String TEXT = "text";
  public static final String LANG = "lang";
  public static final String RETWEET_COUNT = "retweet_count";
  public static final String FAVORITE_COUNT = "favorite_count";
  public static final String FAVORITED = "favorited";
  public static final String RETWEETED = "retweeted";

  /**
   * How {@code created_at} reads after its day of week ("Tue ", which Spark's parser rejects),
   * e.g. {@code Mar 13 03:49:58 +0000 2018}. The job reads it by hand
   * ({@code PostFields#createdAtMicros}, tested to agree with Spark's parser on this pattern).
   */
  public static final String EVENT_TIME_PATTERN = "MMM dd HH:mm:ss Z yyyy";

  public static final StructType SCHEMA = new StructType()
      .add(CREATED_AT, DataTypes.StringType)
      .add(ID, DataTypes.LongType)
      .add(ID_STR, DataTypes.StringType)
      .add(TEXT, DataTypes.StringType)
      .add(RETWEET_COUNT, DataTypes.LongType)
      .add(FAVORITE_COUNT, DataTypes.LongType)
      .add(FAVORITED, DataTypes.BooleanType)
      .add(RETWEETED, DataTypes.BooleanType)
      .add(LANG, DataTypes.StringType);

  private PostSchema() {}
}
