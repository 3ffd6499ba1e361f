package io.trendstream.pipeline.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trendstream.pipeline.sink.SinkSpec.Kind;
import org.junit.jupiter.api.Test;

/** Parsing of {@code --sink} values. */
class SinkSpecTest {
  @Test
  void parsesEachKind() {
    assertThat(SinkSpec.parse("kafka")).isEqualTo(new SinkSpec(Kind.KAFKA, ""));
    assertThat(SinkSpec.parse(" Kafka ")).isEqualTo(new SinkSpec(Kind.KAFKA, ""));
    assertThat(SinkSpec.parse("parquet:/tmp/My Posts"))
        .isEqualTo(new SinkSpec(Kind.PARQUET, "/tmp/My Posts"));
    String url = "jdbc:postgresql://localhost/trends?user=u&password=p";
    assertThat(SinkSpec.parse(url)).isEqualTo(new SinkSpec(Kind.JDBC, url));
    // "jdbc:URL" taken literally, with the URL's own jdbc: prefix.
    assertThat(SinkSpec.parse("jdbc:" + url)).isEqualTo(new SinkSpec(Kind.JDBC, url));
    assertThat(SinkSpec.parse(url).toString())
        .isEqualTo("jdbc:postgresql://localhost/trends?user=u&password=***");
  }

  @Test
  void createsTheSinkOfItsKind() {
    assertThat(SinkSpec.parse("kafka").create()).isInstanceOf(KafkaCountSink.class);
    assertThat(SinkSpec.parse("parquet:d").create()).isInstanceOf(ParquetPostSink.class);
    assertThat(SinkSpec.parse("jdbc:postgresql://h/d").create())
        .isInstanceOf(JdbcCountSink.class);
  }

  @Test
  void refusesOtherValuesInOneLineWithoutPasswords() {
    assertThatThrownBy(() -> SinkSpec.parse("console"))
        .hasMessage("unknown --sink 'console' (expected: " + SinkSpec.USAGE + ")");
    assertThatThrownBy(() -> SinkSpec.parse("parquet:  "))
        .hasMessageStartingWith("--sink parquet: needs a directory");
    assertThatThrownBy(() -> SinkSpec.parse("jdbc:sqlserver://h;password=hunter2"))
        .hasMessageContaining("only PostgreSQL")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> SinkSpec.parse("jdbc:mysql://h/d?user=u&password=hunter2"))
        .hasMessageContaining("password=***")
        .hasMessageNotContaining("hunter2");
  }
}
