package io.trendstream.serve;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Debian Chromium driven by Selenium, for tests that look at the dashboard as a person
 * would. Input: a URL. Output: the page's DOM (read through {@link #text}/{@link #attribute},
 * which use {@code textContent} so the charts' visually hidden data tables can be read) and PNG
 * screenshots under {@code target/screenshots/}.
 *
 * <p>Uses {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} (Debian packages
 * {@code chromium}, {@code chromium-driver}); nothing is downloaded. Call {@link
 * #assumeAvailable()} first: a machine without Chromium skips the test with a message.
 *
 * <pre>{@code
 * try (Browser browser = Browser.start(tempDir)) {
 *   browser.open(server.url());
 *   browser.await("top word", () -> "spark".equals(
 *       browser.attribute("#top-words-card", "data-top-word")));
 *   browser.screenshot("dashboard");
 * }
 * }</pre>
 */
public final class Browser implements AutoCloseable {
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  public static final Path SCREENSHOTS = Path.of("target", "screenshots");
  public static final Duration WAIT = Duration.ofSeconds(20);

  /** Held so the level sticks: JUL loggers are weakly referenced. */
  private static final java.util.logging.Logger CDP_LOG =
      java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

  private final ChromeDriver driver;

  private Browser(ChromeDriver driver) {
    this.driver = driver;
  }

  /** Skips the calling test unless Debian's chromium and chromedriver are installed. */
  public static void assumeAvailable() {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "no Chromium: install Debian's chromium and chromium-driver (" + CHROMIUM + ", "
            + CHROMEDRIVER + ") to run the browser tests");
  }

  /**
   * Starts a headless Chromium with a fresh profile in {@code profileDir}.
   *
   * @param profileDir an empty directory the test owns (a JUnit {@code @TempDir})
   */
  public static Browser start(Path profileDir) {
    return start(profileDir, 1440, 1000);
  }

  public static Browser start(Path profileDir, int width, int height) {
    // Debian's Chromium is usually newer than Selenium's CDP bindings; we use no CDP feature.
    CDP_LOG.setLevel(java.util.logging.Level.SEVERE);
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        "--window-size=" + width + "," + height,
        "--user-data-dir=" + profileDir.toAbsolutePath());
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    return new Browser(new ChromeDriver(service, options));
  }

  public ChromeDriver driver() {
    return driver;
  }

  public void open(String url) {
    driver.get(url);
  }

  /** Runs JavaScript in the page and returns its result. */
  public Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  /** {@code textContent} of the first element matching {@code css}, trimmed; null if none. */
  public String text(String css) {
    Object text = script(
        "const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : null;",
        css);
    return text == null ? null : text.toString();
  }

  /** {@code textContent} of every element matching {@code css}, trimmed. */
  @SuppressWarnings("unchecked")
  public List<String> texts(String css) {
    return (List<String>) script("return [...document.querySelectorAll(arguments[0])]"
        + ".map(e => e.textContent.trim());", css);
  }

  /** An attribute of the first element matching {@code css}; null if no element or no value. */
  public String attribute(String css, String name) {
    Object value = script("const e = document.querySelector(arguments[0]);"
        + " return e ? e.getAttribute(arguments[1]) : null;", css, name);
    return value == null ? null : value.toString();
  }

  /** Whether the first element matching {@code css} exists and is shown. */
  public boolean visible(String css) {
    List<WebElement> found = driver.findElements(By.cssSelector(css));
    return !found.isEmpty() && found.get(0).isDisplayed();
  }

  public WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  /** Polls {@code condition} until it holds, failing after {@link #WAIT}. */
  public void await(String what, Supplier<Boolean> condition) {
    Eventually.await(WAIT, what, condition);
  }

  /** Waits until {@code css}'s attribute equals {@code expected}. */
  public void awaitAttribute(String css, String name, String expected) {
    try {
      Eventually.await(WAIT, css + " [" + name + "=" + expected + "]",
          () -> expected.equals(attribute(css, name)));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + ", is " + attribute(css, name), e);
    }
  }

  /** Saves a PNG of the viewport as {@code target/screenshots/<name>.png} and returns it. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path target = SCREENSHOTS.resolve(name + ".png");
      Path shot = driver.getScreenshotAs(OutputType.FILE).toPath();
      Files.copy(shot, target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Resizes the window so the whole page fits, for a full-page screenshot. */
  public void fitPage(int width) {
    // The window is taller than its viewport by the (invisible, headless) browser frame.
    Number height = (Number) script("window.scrollTo(0, 0);"
        + " return Math.ceil(document.body.getBoundingClientRect().height)"
        + " + window.outerHeight - window.innerHeight;");
    driver.manage().window().setSize(
        new org.openqa.selenium.Dimension(width, height.intValue()));
    script("window.scrollTo(0, 0);");
  }

  @Override
  public void close() {
    driver.quit();
  }
}
