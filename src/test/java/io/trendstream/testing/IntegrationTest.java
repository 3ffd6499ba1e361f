package io.trendstream.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * The slow tier: put this on every test class (or single test method) that starts Spark, a
 * Kafka broker, a database, a child JVM or a browser, or that waits out a network timeout.
 * {@code ./mvnw test} leaves these out (surefire excludes the tag) and runs in seconds;
 * {@code ./mvnw verify} runs them after {@code package} (failsafe runs only the tag), so they
 * can use the packaged jars.
 *
 * <p>Each test method gets a generous bound of its own, so a hang fails the test instead of
 * blocking CI; a test that needs longer says so with its own {@link Timeout}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag(IntegrationTest.TAG)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
public @interface IntegrationTest {
  /** The JUnit tag; the pom's surefire and failsafe configurations name it too. */
  String TAG = "integration";
}
