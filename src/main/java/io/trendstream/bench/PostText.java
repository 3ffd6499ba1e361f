package io.trendstream.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * The parsing the hand-written baseline and the Kafka Streams topology share: Jackson's
 * streaming parser over a Kafka value's bytes, reading only the top-level {@code text} field and
 * skipping everything else. Input: post JSON bytes. Output: the text, or null when the value is
 * not a JSON object with a string {@code text} (such records count no words, as in the job).
 */
public final class PostText {
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final String TEXT = "text";

  private PostText() {}

  public static String of(byte[] json) {
    if (json == null) {
      return null;
    }
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (TEXT.equals(name)) {
          return value == JsonToken.VALUE_STRING ? p.getText() : null;
        }
        p.skipChildren();
      }
      return null;
    } catch (IOException e) {
      return null;
    }
  }
}
