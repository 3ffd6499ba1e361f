package io.trendstream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.List;

/**
 * The packages' layers, lowest first: a layer may use only the layers below it, so the data's
 * direction (post, source, produce, broker, store, pipeline, serve) is the code's too, and the CLI on
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
      // The serving store: embedded PostgreSQL, the live tables' schema, their batch writes.
      new Layer("store", "io.trendstream.store.."),
      // The job and the sink contract only: the sinks themselves sit above and use it.
      new Layer("pipeline", "io.trendstream.pipeline"),
      new Layer("pipeline.sink", "io.trendstream.pipeline.sink.."),
      new Layer("serve", "io.trendstream.serve.."),
      new Layer("bench", "io.trendstream.bench.."),
      new Layer("cli", "io.trendstream.cli.."));

  @ArchTest
  static final ArchRule layersPointDownOnly = layers();

  /**
   * The benchmark's peers (Flink, Kafka Streams; src/peers) run in a JVM of their own: their
   * libraries are on the compile class path (provided scope) but not at run time, so a product
   * class using them, or the peers' code, would fail only when run.
   */
  @ArchTest
  static final ArchRule noPeerLibraries = noClasses()
      .should().dependOnClassesThat()
      .resideInAnyPackage("org.apache.flink..", "org.apache.kafka.streams..",
          "io.trendstream.peers..")
      .as("no product class uses Flink, Kafka Streams or io.trendstream.peers");

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
}
