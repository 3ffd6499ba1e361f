package io.trendstream.pipeline;

import static io.trendstream.testing.SparkTestSupport.spark;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.is_valid_utf8;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.octet_length;
import static org.apache.spark.sql.functions.schema_of_variant;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.try_parse_json;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.variant_get;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.post.PostSchema;
import io.trendstream.testing.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * {@link PostFields#read}, the one-pass classifier every query uses, gives what Spark's own
 * functions give: the reason a record is not a post as the job first computed it with
 * {@code from_json}, {@code is_valid_utf8}, {@code try_parse_json} and the pattern parser (kept
 * here as the oracle), every field as {@code from_json} reads it, and {@code created_at} as
 * Spark's pattern parser reads it.
 */
@IntegrationTest
class PostFieldsTest {
  private static final int MAX = 600;
  private static final String TIME = "\"created_at\":\"Tue Mar 13 03:49:58 +0000 2018\"";
  private static final String GOOD = "{" + TIME + ",\"id\":1,\"id_str\":\"1\","
      + "\"text\":\"hi \\u00e9 東京\",\"retweet_count\":2,\"favorite_count\":3,"
      + "\"favorited\":false,\"retweeted\":true,\"lang\":\"en\"}";

  private static final List<String> VALUES = List.of(
      GOOD, "{\"text\":\"a\"} junk", "{\"text\":\"a\"}{\"x\":1}", "{\"text\": 5}",
      "{\"text\": 5.50}", "{\"text\": true}", "{\"text\": {\"a\": [1, 2]}}",
      "{\"text\":\"a\",\"text\":\"b\"," + TIME + "}", "{\"text\":\"a\"",
      "[{\"text\":\"a\"}]", "  {\"text\":\"a\"," + TIME + "}  ", "{\"text\":null}",
      "{\"Text\":\"a\"}", "{\"text\":\"a\",}", "{'text':'a'," + TIME + "}",
      "{\"x\":NaN,\"text\":\"a\"," + TIME + "}", "{\"text\":\"a\"," + TIME + "}\n", "",
      "null", "not json", "42", "\"a string\"", "{\"created_at\": 5, \"text\":\"a\"}",
      "{\"text\":\"a\" /* c */}", "{\"user\":{\"text\":\"inner\"},\"text\":\"outer\"}",
      "{\"text\":\"42\"," + TIME + "}", "{\"text\":\"[x] {y} true\"," + TIME + "}",
      "{\"text\":\"no time\"}", "{\"text\":\"t\",\"created_at\":\"yesterday\"}",
      "{\"text\":\"t\",\"created_at\":null}", "{\"id\":5," + TIME + "}",
      GOOD.replace("\"id\":1", "\"id\":\"one\""), GOOD.replace("\"id\":1", "\"id\":1.5"),
      GOOD.replace("\"id\":1", "\"id\":99999999999999999999"),
      GOOD.replace("\"id\":1", "\"id\":-9223372036854775808"),
      GOOD.replace("\"id\":1", "\"id\":null"), GOOD.replace("\"id\":1", "\"id\":[1]"),
      GOOD.replace("\"id\":1", "\"id\":\"1\""), GOOD.replace("\"id\":1", "\"id\":01"),
      GOOD.replace("\"favorited\":false", "\"favorited\":\"no\""),
      GOOD.replace("\"favorited\":false", "\"favorited\":0"),
      GOOD.replace("\"favorited\":false", "\"favorited\":null"),
      GOOD.replace("\"retweeted\":true", "\"retweeted\":{}"),
      GOOD.replace("\"retweet_count\":2", "\"retweet_count\":true"),
      GOOD.replace("\"favorite_count\":3", "\"favorite_count\":-3"),
      GOOD.replace("\"lang\":\"en\"", "\"lang\":5"),
      GOOD.replace("\"lang\":\"en\"", "\"lang\":{\"a\": [1, 2.50, \"x\"]}"),
      GOOD.replace("\"id_str\":\"1\"", "\"id_str\":1"),
      GOOD.replace("\"id\":1", "\"id\":\"one\",\"lang\":"),
      GOOD.replace("\"id\":1", "\"id\":1,\"id\":2"),
      GOOD.replace("}", ",\"extra\":{\"id\":\"nested, not ours\",\"text\":7}}"),
      GOOD.replace("Tue Mar 13", "Tue Feb 30"), GOOD.replace("+0000", "-0530"),
      "{\"text\":\"" + "x".repeat(MAX) + "\"," + TIME + "}", "y".repeat(MAX + 1),
      "{\"text\":\"emoji \ud83d\ude00 ok\"," + TIME + "}");

  /** Invalid UTF-8 of every kind; each inside an otherwise good post. */
  private static final List<byte[]> BYTES = List.of(
      good(0xff), good(0xc0, 0x80), good(0xc3), good(0x80), good(0xed, 0xa0, 0x80),
      good(0xf4, 0x90, 0x80, 0x80), good(0xe2, 0x82), good(0xf0, 0x9f, 0x98),
      good(0xc3, 0xa9), good(0xe2, 0x82, 0xac), good(0xf0, 0x9f, 0x98, 0x80),
      new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xc3},
      new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '{', '}'});

  /** A good post whose text holds these bytes. */
  private static byte[] good(int... bytes) {
    byte[] head = GOOD.substring(0, GOOD.indexOf("hi ")).getBytes(StandardCharsets.UTF_8);
    byte[] tail = GOOD.substring(GOOD.indexOf("hi ")).getBytes(StandardCharsets.UTF_8);
    byte[] out = Arrays.copyOf(head, head.length + bytes.length + tail.length);
    for (int i = 0; i < bytes.length; i++) {
      out[head.length + i] = (byte) bytes[i];
    }
    System.arraycopy(tail, 0, out, head.length + bytes.length, tail.length);
    return out;
  }

  @Test
  void readGivesTheReasonAndFieldsSparksFunctionsGive() {
    List<Row> rows = new ArrayList<>();
    for (String v : VALUES) {
      rows.add(RowFactory.create((Object) v.getBytes(StandardCharsets.UTF_8)));
    }
    for (byte[] v : BYTES) {
      rows.add(RowFactory.create((Object) v));
    }
    List<Row> oracle = spark()
        .createDataFrame(rows, new StructType().add("value", DataTypes.BinaryType))
        .select(col("value"), sparkReason(col("value")).as("reason"),
            from_json(col("value").cast("string"), PostSchema.SCHEMA).as("post"),
            try_to_timestamp(substring(col("post.created_at"), 5, 64),
                lit(PostSchema.EVENT_TIME_PATTERN)).as("time"))
        .collectAsList();
    int posts = 0;
    for (Row r : oracle) {
      byte[] value = r.getAs("value");
      String what = new String(value, StandardCharsets.UTF_8);
      PostFields.Parsed p = PostFields.read(value, MAX, true, true);
      assertThat(p.reason).as(what).isEqualTo(r.getAs("reason"));
      if (p.reason != null) {
        continue;
      }
      posts++;
      Row post = r.getAs("post");
      assertThat(Arrays.asList(p.createdAt, p.id, p.idStr, p.text, p.retweetCount,
          p.favoriteCount, p.favorited, p.retweeted, p.lang))
          .as(what)
          .isEqualTo(Arrays.asList(post.get(0), post.get(1), post.get(2), post.get(3),
              post.get(4), post.get(5), post.get(6), post.get(7), post.get(8)));
      Instant time = r.getAs("time");
      assertThat(p.createdAtMicros).as(what)
          .isEqualTo(time.getEpochSecond() * 1_000_000L + time.getNano() / 1000);
      // Asked for less, it classifies the same and still reads the text.
      PostFields.Parsed lean = PostFields.read(value, MAX, false, true);
      assertThat(lean.reason).isNull();
      assertThat(lean.text).isEqualTo(p.text);
    }
    assertThat(posts).as("posts among the values").isGreaterThan(15);
  }

  @Test
  void withKafkaTimeCreatedAtIsNotChecked() {
    byte[] noTime = "{\"text\":\"t\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(PostFields.read(noTime, MAX, true, true).reason)
        .isEqualTo(TrendQueries.BAD_CREATED_AT);
    PostFields.Parsed p = PostFields.read(noTime, MAX, true, false);
    assertThat(p.reason).isNull();
    assertThat(p.createdAtMicros).isNull();
  }

  /** How the job classified records before {@link PostFields#read}: Spark functions only. */
  private static Column sparkReason(Column value) {
    String corrupt = "_corrupt_record";
    Column string = value.cast("string");
    Column fits = octet_length(value).leq(MAX);
    Column utf8 = is_valid_utf8(string);
    Column post = when(fits.and(utf8), from_json(string,
        PostSchema.SCHEMA.add(corrupt, DataTypes.StringType),
        Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", corrupt)));
    Column time = try_to_timestamp(substring(post.getField(PostSchema.CREATED_AT), 5, 64),
        lit(PostSchema.EVENT_TIME_PATTERN));
    Column text = post.getField(PostSchema.TEXT);
    Column realTextType =
        schema_of_variant(variant_get(try_parse_json(string), "$.text", "variant"));
    return when(fits.unary_$bang(), TrendQueries.OVERSIZED)
        .when(utf8.unary_$bang(), TrendQueries.INVALID_UTF8)
        .when(post.isNull(), TrendQueries.NOT_JSON)
        .when(post.getField(corrupt).isNotNull(),
            when(schema_of_variant(try_parse_json(string)).startsWith("OBJECT"),
                TrendQueries.WRONG_TYPE)
                .otherwise(TrendQueries.NOT_JSON))
        .when(text.isNull(), TrendQueries.MISSING_TEXT)
        .when(text.rlike("^(-?[0-9]|[\\[{]|true$|false$)")
            .and(realTextType.notEqual("STRING")), TrendQueries.WRONG_TYPE)
        .when(time.isNull(), TrendQueries.BAD_CREATED_AT);
  }

  @Test
  void createdAtMicrosAgreesWithSparksPatternParser() {
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
            try_to_timestamp(substring(col("c"), 5, 64), lit(PostSchema.EVENT_TIME_PATTERN)))
        .collectAsList();
    int parsed = 0;
    for (Row r : out) {
      Instant spark = r.getAs(1);
      Long expected = spark == null ? null : spark.getEpochSecond() * 1_000_000L;
      assertThat(PostFields.createdAtMicros(r.getString(0))).as(String.valueOf(r.get(0)))
          .isEqualTo(expected);
      parsed += spark != null ? 1 : 0;
    }
    assertThat(parsed).isEqualTo(14);
  }
}
