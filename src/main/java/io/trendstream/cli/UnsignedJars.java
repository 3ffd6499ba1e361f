package io.trendstream.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The launcher's class path for its class-data archive: each signed jar replaced by a copy
 * without its signature files. The JDK leaves every class of a signed jar out of an archive
 * ("Skipping ...: Signed JAR"): janino, Spark's code compiler, is one, so its ~370 classes were
 * loaded, digest-checked and verified on every start, in the middle of the first batch's code
 * generation. The copies hold the same classes; only the signature is gone, which nothing here
 * checks. Input: a directory for the copies and a class path. Output: the new class path on
 * stdout. Run by bin/trendstream when it makes the archive, before any Spark class loads.
 */
public final class UnsignedJars {
  /** What makes a jar signed: a signature file and its block, under META-INF. */
  private static final Pattern SIGNATURE =
      Pattern.compile("META-INF/[^/]+\\.(SF|RSA|DSA|EC)", Pattern.CASE_INSENSITIVE);

  private UnsignedJars() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: UnsignedJars COPY_DIR CLASS_PATH");
      System.exit(2);
    }
    System.out.println(String.join(java.io.File.pathSeparator,
        classPath(Path.of(args[0]), List.of(args[1].split(java.io.File.pathSeparator)))));
  }

  /** {@code classPath} with each signed jar replaced by an unsigned copy in {@code dir}. */
  static List<String> classPath(Path dir, List<String> classPath) throws IOException {
    Files.createDirectories(dir);
    List<String> out = new ArrayList<>();
    for (String entry : classPath) {
      Path jar = Path.of(entry);
      if (entry.isEmpty() || !entry.toLowerCase(Locale.ROOT).endsWith(".jar")
          || !Files.isRegularFile(jar) || !signed(jar)) {
        out.add(entry);
        continue;
      }
      // The index keeps two jars of one name (different groups) apart.
      Path copy = dir.resolve(out.size() + "-" + jar.getFileName());
      unsignedCopy(jar, copy);
      out.add(copy.toAbsolutePath().toString());
    }
    return out;
  }

  static boolean signed(Path jar) throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return zip.stream().anyMatch(e -> SIGNATURE.matcher(e.getName()).matches());
    }
  }

  /** Every entry but the signature files, as they are; written aside, then moved in place. */
  static void unsignedCopy(Path jar, Path copy) throws IOException {
    Path tmp = copy.resolveSibling(copy.getFileName() + ".tmp");
    try (ZipFile zip = new ZipFile(jar.toFile());
        OutputStream file = Files.newOutputStream(tmp);
        ZipOutputStream to = new ZipOutputStream(file)) {
      for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
        ZipEntry e = en.nextElement();
        if (SIGNATURE.matcher(e.getName()).matches()) {
          continue;
        }
        ZipEntry copied = new ZipEntry(e.getName());
        copied.setTime(e.getTime());
        to.putNextEntry(copied);
        try (InputStream in = zip.getInputStream(e)) {
          in.transferTo(to);
        }
        to.closeEntry();
      }
    } catch (IOException | UncheckedIOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
