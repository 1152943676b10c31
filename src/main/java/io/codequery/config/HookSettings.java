package io.codequery.config;

import io.codequery.CodeQueryException;
import io.codequery.pidfile.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Objects;

/**
 * What the git hook needs from {@code config.json}, derived by the one config reader ({@link
 * ConfigLoader}) and written beside it as {@code hook.conf}: the hook reads no JSON, so it cannot
 * read a key differently from Java. The file holds three validated words:
 *
 * <pre>
 * config=present|absent
 * mode=auto|manual
 * fallback=queue|start|sync
 * </pre>
 *
 * <p>The hook trusts it only while it is newer than {@code config.json} (and {@code config=} still
 * says whether that exists); otherwise it asks the launcher ({@code code-query hooks settings}),
 * which loads the config and writes the file again. A config changed while it was being read leaves
 * no file behind (its modification time is compared before and after), so the file never outlives
 * the text it was derived from — except when a config is replaced by one with an older modification
 * time ({@code cp -p}, {@code tar}); the next code-query command that loads the config corrects it.
 */
public final class HookSettings {
  /** The file's name, beside config.json. */
  public static final String FILE = "hook.conf";

  private HookSettings() {}

  /**
   * Loads {@code configFile} (as {@link ConfigLoader#load}) and records the hook's settings beside
   * it; a failure to record only costs the hook a call to the launcher, so it is not reported.
   */
  public static ConfigLoader.Loaded load(Path configFile, String defaultDatasetName) {
    FileTime before;
    try {
      before = modified(configFile);
    } catch (IOException e) {
      // Cannot even look at it: let the reader say why, and record nothing.
      return ConfigLoader.load(configFile, defaultDatasetName);
    }
    Path conf = configFile.resolveSibling(FILE);
    ConfigLoader.Loaded loaded;
    try {
      // ConfigLoader reads through StrictFiles: a link (which, re-pointed at an older file, would
      // fool the hook's comparison of modification times) or a FIFO is refused, never followed.
      loaded = ConfigLoader.load(configFile, defaultDatasetName);
    } catch (CodeQueryException e) {
      // A config Java refuses leaves the hook no words to trust: it asks again, and says why.
      deleteQuietly(conf);
      throw e;
    }
    record(configFile, loaded.config(), before);
    return loaded;
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // Without permission to remove it, the hook's freshness test still distrusts it once the
      // config is newer; nothing better can be done here.
    }
  }

  /** The file's text for {@code config}. */
  static String text(Config config, boolean configPresent) {
    return "# derived from config.json by code-query for the git hook (it reads no JSON); do not"
        + " edit\nconfig="
        + (configPresent ? "present" : "absent")
        + "\nmode="
        + config.mode()
        + "\nfallback="
        + config.fallback()
        + "\n";
  }

  private static void record(Path configFile, Config config, FileTime before) {
    if (!Files.isDirectory(configFile.toAbsolutePath().getParent())) {
      return; // no .code-query/ (defaults): nothing to create
    }
    Path conf = configFile.resolveSibling(FILE);
    try {
      AtomicFiles.write(conf, text(config, before != null).getBytes(StandardCharsets.US_ASCII));
      // Race: the config was edited between our first look and now. Its new modification time may
      // still be older than this file's, which would make the hook trust stale words: remove them.
      if (!Objects.equals(before, modified(configFile))) {
        deleteQuietly(conf);
      }
    } catch (IOException | RuntimeException e) {
      // Best effort: without the file the hook asks the launcher.
    }
  }

  /** The modification time (through links, as the hook's {@code -nt} sees it); null if absent. */
  private static FileTime modified(Path file) throws IOException {
    try {
      return Files.getLastModifiedTime(file);
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
