package io.trendstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's archive class path: signed jars copied without their signature, the rest kept. */
class UnsignedJarsTest {
  @TempDir Path dir;

  @Test
  void signedJarsAreCopiedWithoutTheirSignatureEverythingElseStays() throws IOException {
    Path signed = jar("signed.jar", "META-INF/MANIFEST.MF", "META-INF/KEY.SF", "META-INF/KEY.RSA",
        "org/codehaus/janino/Compiler.class", "org/codehaus/janino/Java.class");
    Path plain = jar("plain.jar", "META-INF/MANIFEST.MF", "a/B.class");
    Path classes = Files.createDirectories(dir.resolve("classes"));
    Path copies = dir.resolve("copies");

    List<String> out = UnsignedJars.classPath(copies,
        List.of(plain.toString(), signed.toString(), classes.toString()));

    assertThat(out).hasSize(3);
    assertThat(out.get(0)).isEqualTo(plain.toString());
    assertThat(out.get(2)).isEqualTo(classes.toString());
    Path copy = Path.of(out.get(1));
    assertThat(copy.getParent()).isEqualTo(copies.toAbsolutePath());
    assertThat(UnsignedJars.signed(copy)).isFalse();
    try (ZipFile zip = new ZipFile(copy.toFile())) {
      assertThat(zip.stream().map(ZipEntry::getName)).containsExactly("META-INF/MANIFEST.MF",
          "org/codehaus/janino/Compiler.class", "org/codehaus/janino/Java.class");
      assertThat(new String(zip.getInputStream(zip.getEntry("org/codehaus/janino/Java.class"))
          .readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("org/codehaus/janino/Java.class");
    }
    assertThat(UnsignedJars.signed(signed)).isTrue();  // the original is left alone
  }

  @Test
  void twoSignedJarsOfOneNameGetCopiesOfTheirOwn() throws IOException {
    Files.createDirectories(dir.resolve("x"));
    Files.createDirectories(dir.resolve("y"));
    Path a = jar("x/dup.jar", "META-INF/K.SF", "a.class");
    Path b = jar("y/dup.jar", "META-INF/K.DSA", "b.class");

    List<String> out = UnsignedJars.classPath(dir.resolve("copies"),
        List.of(a.toString(), b.toString()));

    assertThat(out.get(0)).isNotEqualTo(out.get(1));
    try (ZipFile za = new ZipFile(out.get(0)); ZipFile zb = new ZipFile(out.get(1))) {
      assertThat(za.getEntry("a.class")).isNotNull();
      assertThat(zb.getEntry("b.class")).isNotNull();
    }
  }

  /** A jar whose entries hold their own names. */
  private Path jar(String name, String... entries) throws IOException {
    Path jar = dir.resolve(name);
    try (OutputStream file = Files.newOutputStream(jar);
        ZipOutputStream zip = new ZipOutputStream(file)) {
      for (String e : entries) {
        zip.putNextEntry(new ZipEntry(e));
        zip.write(e.getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return jar;
  }
}
