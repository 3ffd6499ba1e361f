package io.trendstream;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The packages' layers, lowest first: a layer may use only the layers below it, so the data's
 * direction (post, source, produce, broker, pipeline, serve) is the code's too, and the CLI on
 * top wires them. A back-pointing dependency (an import, a type in a signature, a call) in the
 * main code fails the build. Tests may use any layer.
 */
@AnalyzeClasses(packages = "io.trendstream", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
  private record Layer(String name, String packages) {}

  /** Lowest first. {@code common} and {@code post} are below everything, so all may use them. */
  private static final List<Layer> LAYERS = List.of(
      new Layer("common", "io.trendstream.common.."),
      new Layer("post", "io.trendstream.post.."),
      new Layer("source", "io.trendstream.source.."),  // with source.live
      new Layer("produce", "io.trendstream.produce.."),
      new Layer("broker", "io.trendstream.broker.."),
      // The serving store (embedded PostgreSQL, the live tables' schema): issue 10's change
      // creates it; until then the layer is empty.
      new Layer("store", "io.trendstream.store.."),
      // The job and the sink contract only: the sinks themselves sit above and use it.
      new Layer("pipeline", "io.trendstream.pipeline"),
      new Layer("pipeline.sink", "io.trendstream.pipeline.sink.."),
      new Layer("serve", "io.trendstream.serve.."),
      new Layer("bench", "io.trendstream.bench.."),
      new Layer("cli", "io.trendstream.cli.."));

  /**
   * The one known back-pointer: the Spark SQL serving path (SparkQueryService implementing
   * serve.QueryService, SqlGuard throwing its QueryRejectedException) is removed by the
   * serving-store change, issue 10; this exception goes with it. By name, so that change can
   * delete the classes without editing this test.
   */
  private static final DescribedPredicate<JavaClass> SPARK_SQL_SERVING = nameMatching(
      "io.trendstream.pipeline.SparkQueryService", "io.trendstream.pipeline.SqlGuard");
  private static final DescribedPredicate<JavaClass> QUERY_SERVICE =
      nameMatching("io.trendstream.serve.QueryService");

  @ArchTest
  static final ArchRule layersPointDownOnly = layers()
      .ignoreDependency(SPARK_SQL_SERVING, QUERY_SERVICE);

  /** A new package must be given its place in {@link #LAYERS}, or the rule would skip it. */
  @ArchTest
  static final ArchRule everyPackageHasALayer = classes()
      .should().resideInAnyPackage(LAYERS.stream().map(Layer::packages).toArray(String[]::new))
      .as("every class of io.trendstream lies in one of the layers " + LAYERS.stream()
          .map(Layer::name).toList());

  private static LayeredArchitecture layers() {
    LayeredArchitecture rule = layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .withOptionalLayers(true);
    for (Layer layer : LAYERS) {
      rule = rule.layer(layer.name()).definedBy(layer.packages());
    }
    for (int i = 0; i < LAYERS.size(); i++) {
      String name = LAYERS.get(i).name();
      String[] below = LAYERS.subList(0, i).stream().map(Layer::name).toArray(String[]::new);
      rule = below.length == 0
          ? rule.whereLayer(name).mayNotAccessAnyLayer()
          : rule.whereLayer(name).mayOnlyAccessLayers(below);
    }
    return rule;
  }

  /** These classes and their nested ones ({@code Outer$Inner}, lambdas' classes). */
  private static DescribedPredicate<JavaClass> nameMatching(String... names) {
    List<Pattern> patterns = java.util.Arrays.stream(names)
        .map(n -> Pattern.compile(Pattern.quote(n) + "(\\$.*)?"))
        .toList();
    return describe(String.join(" or ", names) + " (with nested classes)",
        c -> patterns.stream().anyMatch(p -> p.matcher(c.getName()).matches()));
  }
}
