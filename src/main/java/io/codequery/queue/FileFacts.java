package io.codequery.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The built-in processor's facts about a file: size, line count, SHA-256, a language guessed from
 * the extension, and whether the content is binary. Lines are counted as {@code wc -l} would, plus
 * one for a last line without a newline.
 *
 * @param binary a NUL byte among the first {@value #BINARY_PROBE_BYTES} bytes (git's rule for
 *     telling binary content from text)
 */
public record FileFacts(
    long sizeBytes, long lines, String sha256, String language, boolean binary) {
  /** How far into the content a NUL byte makes it binary: as far as git looks. */
  public static final int BINARY_PROBE_BYTES = 8000;

  private static final Map<String, String> LANGUAGES = languages();

  /** Reads {@code file} once (not through a symbolic link in its last component). */
  public static FileFacts of(Path file) throws IOException {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
    long size = 0;
    long newlines = 0;
    int last = -1;
    boolean binary = false;
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        sha.update(buf, 0, n);
        for (long i = size; i < Math.min(size + n, BINARY_PROBE_BYTES) && !binary; i++) {
          binary = buf[(int) (i - size)] == 0;
        }
        size += n;
        for (int i = 0; i < n; i++) {
          if (buf[i] == '\n') {
            newlines++;
          }
        }
        last = buf[n - 1];
      }
    }
    long lines = newlines + (size > 0 && last != '\n' ? 1 : 0);
    return new FileFacts(
        size,
        lines,
        HexFormat.of().formatHex(sha.digest()),
        language(file.getFileName().toString()),
        binary);
  }

  /** The language for a file name, from its extension (or well-known name); "unknown" if none. */
  public static String language(String fileName) {
    String lower = fileName.toLowerCase(Locale.ROOT);
    String byName = LANGUAGES.get(lower);
    if (byName != null) {
      return byName;
    }
    int dot = lower.lastIndexOf('.');
    if (dot <= 0 || dot == lower.length() - 1) {
      return "unknown";
    }
    return LANGUAGES.getOrDefault(lower.substring(dot + 1), "unknown");
  }

  private static Map<String, String> languages() {
    Map<String, String> m = new LinkedHashMap<>();
    String[][] table = {
      {"java", "java"},
      {"kt", "kotlin"},
      {"kts", "kotlin"},
      {"scala", "scala"},
      {"groovy", "groovy"},
      {"py", "python"},
      {"pyi", "python"},
      {"rb", "ruby"},
      {"go", "go"},
      {"rs", "rust"},
      {"c", "c"},
      {"h", "c"},
      {"cc", "cpp"},
      {"cpp", "cpp"},
      {"cxx", "cpp"},
      {"hpp", "cpp"},
      {"hh", "cpp"},
      {"cs", "csharp"},
      {"m", "objective-c"},
      {"swift", "swift"},
      {"php", "php"},
      {"pl", "perl"},
      {"js", "javascript"},
      {"mjs", "javascript"},
      {"cjs", "javascript"},
      {"jsx", "javascript"},
      {"ts", "typescript"},
      {"tsx", "typescript"},
      {"vue", "vue"},
      {"svelte", "svelte"},
      {"sh", "shell"},
      {"bash", "shell"},
      {"zsh", "shell"},
      {"fish", "shell"},
      {"ps1", "powershell"},
      {"sql", "sql"},
      {"r", "r"},
      {"lua", "lua"},
      {"dart", "dart"},
      {"ex", "elixir"},
      {"exs", "elixir"},
      {"erl", "erlang"},
      {"hs", "haskell"},
      {"ml", "ocaml"},
      {"clj", "clojure"},
      {"zig", "zig"},
      {"html", "html"},
      {"htm", "html"},
      {"css", "css"},
      {"scss", "scss"},
      {"md", "markdown"},
      {"rst", "restructuredtext"},
      {"txt", "text"},
      {"json", "json"},
      {"yaml", "yaml"},
      {"yml", "yaml"},
      {"toml", "toml"},
      {"xml", "xml"},
      {"gradle", "groovy"},
      {"proto", "protobuf"},
      {"dockerfile", "dockerfile"},
      {"makefile", "makefile"},
      {"gnumakefile", "makefile"},
    };
    for (String[] row : table) {
      m.put(row[0], row[1]);
    }
    return Map.copyOf(m);
  }
}
