package io.trendstream.pipeline;

import static io.trendstream.testing.SparkTestSupport.spark;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.post.PostSchema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The count queries' fast paths give exactly what the general ones give: {@link PostFields}
 * against Spark's {@code from_json} with the post schema, and {@link TrendQueries#twitterTime}
 * against Spark's pattern parser, on well-formed and awkward input.
 */
class PostFieldsTest {
  private static final List<String> VALUES = List.of(
      "{\"created_at\":\"Tue Mar 13 03:49:58 +0000 2018\",\"id\":1,\"text\":\"hi \\u00e9 東京\"}",
      "{\"text\":\"a\"} junk", "{\"text\":\"a\"}{\"x\":1}", "{\"text\": 5}", "{\"text\": 5.50}",
      "{\"text\": true}", "{\"text\": {\"a\": [1, 2]}}", "{\"text\":\"a\",\"text\":\"b\"}",
      "{\"text\":\"a\"", "[{\"text\":\"a\"}]", "  {\"text\":\"a\"}  ", "{\"text\":null}",
      "{\"Text\":\"a\"}", "{\"text\":\"a\",}", "{'text':'a'}", "{\"x\":NaN,\"text\":\"a\"}",
      "{\"text\":\"a\"}\n", "", "null", "not json", "{\"created_at\": 5, \"text\":\"a\"}",
      "{\"text\":\"a\" /* c */}", "{\"user\":{\"text\":\"inner\"},\"text\":\"outer\"}");

  @Test
  void textAndCreatedAtAreWhatFromJsonReads() {
    List<Row> rows = new ArrayList<>();
    for (String v : VALUES) {
      rows.add(RowFactory.create(v));
    }
    List<Row> spark = spark().createDataFrame(rows, new StructType().add("v", "string"))
        .select(col("v"),
            from_json(col("v"), PostSchema.SCHEMA).getField(PostSchema.TEXT),
            from_json(col("v"), PostSchema.SCHEMA).getField(PostSchema.CREATED_AT))
        .collectAsList();
    for (Row r : spark) {
      byte[] bytes = r.getString(0).getBytes(StandardCharsets.UTF_8);
      String[] both = PostFields.textAndCreatedAt(bytes);
      assertThat(PostFields.text(bytes)).as(r.getString(0)).isEqualTo(r.getString(1));
      assertThat(both == null ? new String[] {null, null} : both).as(r.getString(0))
          .containsExactly(r.getString(1), r.getString(2));
    }
  }

  @Test
  void twitterTimeAgreesWithSparksPatternParser() {
    List<String> times = Arrays.asList("Tue Mar 13 03:49:58 +0000 2018",
        "Tue Mar 13 03:49:58 -0530 2018", "tue mar 13 03:49:58 +0000 2018",
        "Wed DEC 31 23:59:59 +1400 1999", "Xyz Jan 01 00:00:00 +0000 2026",
        "XyzzJan 01 00:00:00 +0000 2026", "yesterday", "Tue Mar 32 03:49:58 +0000 2018",
        "Tue Feb 29 03:49:58 +0000 2019", "Thu Feb 29 03:49:58 +0000 2024",
        "Tue Mar 13 25:49:58 +0000 2018", "Tue Mar 13 03:49:58 +0000 201",
        "Tue Mar 3 03:49:58 +0000 2018", "Tue Mar 13 03:49:58 +0000 20188",
        "Tue Mar 13 03:49:58 Z 2018", "Tue Mar 13 03:49:58 +00:00 2018",
        "Tue Mar 13 03:49:60 +0000 2018", "Tue Mar 13 3:49:58 +0000 2018",
        "Tue Mar-13 03:49:58 +0000 2018", "Tue Mar 13 03-49-58 +0000 2018",
        "Tue Mrz 13 03:49:58 +0000 2018", "Tue arf 13 03:49:58 +0000 2018", "", null,
        "Tue Mar 13 03:49:58 +1800 2018", "Tue Mar 13 03:49:58 -1800 2018",
        "Tue Mar 13 03:49:58 +1801 2018", "Tue Mar 13 03:49:58 +1900 2018",
        "Tue Mar 13 03:49:58 +0060 2018", "Tue Mar 13 03:49:58 +0000 0000",
        "Tue Mar 13 03:49:58 +0000 0001", "Tue Mar 13 00:00:00 +0000 9999",
        "Tue Mar 13 24:00:00 +0000 2018", "Tue Mar 00 03:49:58 +0000 2018",
        "Tue Mar 13 03:49:58 x0000 2018", "Tue Mar 13 03:49:58 +00a0 2018",
        "Tue Jun 31 03:49:58 +0000 2018", "Tue Sep 30 03:49:58 +0000 2018",
        "Tue Mar 13 03:49:58 +0000 2018 ", "Tue Mar 13 03:49:58 +0000 2018".toUpperCase(),
        "Tue Mar 13 03:49:58 +0000 ２０１８", "Tue Mar ١٣ 03:49:58 +0000 2018");
    List<Row> rows = new ArrayList<>();
    for (String t : times) {
      rows.add(RowFactory.create(t));
    }
    List<Row> out = spark().createDataFrame(rows, new StructType().add("c", "string"))
        .select(col("c"),
            try_to_timestamp(substring(col("c"), 5, 64), lit(PostSchema.EVENT_TIME_PATTERN)),
            TrendQueries.twitterTime(col("c")))
        .collectAsList();
    int parsed = 0;
    for (Row r : out) {
      assertThat(r.get(2)).as(String.valueOf(r.get(0))).isEqualTo(r.get(1));
      parsed += r.get(1) != null ? 1 : 0;
    }
    assertThat(parsed).isEqualTo(14);
  }
}
