package io.codequery.config;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import io.codequery.CodeQueryException;
import io.codequery.pidfile.StrictFiles;
import io.codequery.pidfile.UnsafeFileException;
import io.codequery.store.StoreUrl;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and validates {@code config.json}. Every error names the file, the key and what is
 * expected; unknown keys are collected as warnings (a typo must not pass silently).
 */
public final class ConfigLoader {
  private static final Set<String> TOP_KEYS =
      Set.of("dataset_name", "model", "processing", "store");
  private static final Set<String> STORE_KEYS = Set.of("url");
  private static final Set<String> PROCESSING_KEYS =
      Set.of(
          "mode",
          "fallback",
          "command",
          "max_retries",
          "retry_delay_seconds",
          "job_timeout_seconds",
          "heartbeat_seconds",
          "stop_timeout_seconds",
          "concurrency",
          "stdin");
  private static final int MAX_CONFIG_BYTES = 1 << 20;

  /** The configuration, and the warnings (unknown keys) found while reading it. */
  public record Loaded(Config config, List<String> warnings) {}

  private ConfigLoader() {}

  /**
   * Loads {@code file}; a missing file gives the defaults (dataset named after {@code root}). The
   * file is read through {@link StrictFiles}: a symbolic link, FIFO or device there is refused,
   * never followed or opened (a FIFO would block the caller forever).
   */
  public static Loaded load(Path file, String defaultDatasetName) {
    String text;
    try {
      text = new String(StrictFiles.read(file, MAX_CONFIG_BYTES), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new Loaded(Config.defaults(defaultDatasetName), List.of());
    } catch (UnsafeFileException e) {
      throw new CodeQueryException(
          e.getMessage() + " Without a config, `code-query init` writes the default one.", e);
    } catch (IOException e) {
      throw new CodeQueryException(
          "cannot read " + e.getMessage() + ". Check its permissions, or run `code-query init`.",
          e);
    }
    return parse(file.toString(), text, defaultDatasetName);
  }

  /** Parses config text; {@code source} names the file in messages. */
  public static Loaded parse(String source, String text, String defaultDatasetName) {
    JsonElement root;
    try {
      JsonReader reader = new JsonReader(new StringReader(text));
      reader.setStrictness(Strictness.STRICT);
      root = readValue(source, reader, "");
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new MalformedJsonException("more text after the JSON value" + where(reader));
      }
    } catch (IOException | JsonParseException | IllegalStateException e) {
      throw new CodeQueryException(
          source
              + ": not valid JSON ("
              + rootCause(e)
              + "). Fix it, or move it aside and run `code-query init`.",
          e);
    }
    if (!root.isJsonObject()) {
      throw new CodeQueryException(source + ": expected a JSON object at the top level");
    }
    JsonObject top = root.getAsJsonObject();
    List<String> warnings = new ArrayList<>();
    unknownKeys(source, "", top, TOP_KEYS, warnings);
    Config d = Config.defaults(defaultDatasetName);
    String dataset = string(source, top, "dataset_name", d.datasetName());
    String model = string(source, top, "model", d.model());
    JsonObject p = new JsonObject();
    if (top.has("processing")) {
      JsonElement pe = top.get("processing");
      if (!pe.isJsonObject()) {
        throw new CodeQueryException(source + ": key \"processing\" must be an object");
      }
      p = pe.getAsJsonObject();
    }
    unknownKeys(source, "processing.", p, PROCESSING_KEYS, warnings);
    String mode = oneOf(source, p, "mode", Config.MODES, d.mode());
    String fallback = oneOf(source, p, "fallback", Config.FALLBACKS, d.fallback());
    List<String> command = command(source, p);
    int maxRetries = integer(source, p, "max_retries", d.maxRetries(), 0, 100);
    int retryDelay = integer(source, p, "retry_delay_seconds", d.retryDelaySeconds(), 0, 86_400);
    int jobTimeout = integer(source, p, "job_timeout_seconds", d.jobTimeoutSeconds(), 1, 86_400);
    int heartbeat = integer(source, p, "heartbeat_seconds", d.heartbeatSeconds(), 1, 3_600);
    int stopTimeout = integer(source, p, "stop_timeout_seconds", d.stopTimeoutSeconds(), 1, 3_600);
    int concurrency = integer(source, p, "concurrency", d.concurrency(), 1, 64);
    String stdin = oneOf(source, p, "stdin", Config.STDIN, d.stdin());
    String storeUrl = storeUrl(source, top, warnings);
    return new Loaded(
        new Config(
            dataset,
            model,
            mode,
            fallback,
            command,
            maxRetries,
            retryDelay,
            jobTimeout,
            heartbeat,
            stopTimeout,
            concurrency,
            stdin,
            storeUrl),
        List.copyOf(warnings));
  }

  /** {@code store.url}, checked (a password in it is refused); null where absent. */
  private static String storeUrl(String source, JsonObject top, List<String> warnings) {
    if (!top.has("store")) {
      return null;
    }
    JsonElement se = top.get("store");
    if (!se.isJsonObject()) {
      throw new CodeQueryException(
          source + ": key \"store\" must be an object, e.g. {\"url\": \"sqlite\"}");
    }
    JsonObject store = se.getAsJsonObject();
    unknownKeys(source, "store.", store, STORE_KEYS, warnings);
    String url = string(source, store, "url", null);
    StoreUrl.parse(url, "store.url in " + source);
    return url;
  }

  /**
   * One JSON value, read into a tree. Gson's own tree reader keeps the last of two equal keys; a
   * second reader that kept the first (as a line-based one would) could then act on the other
   * value. So a key that appears twice in one object, at any depth, is an error naming the key.
   */
  private static JsonElement readValue(String source, JsonReader reader, String path)
      throws IOException {
    switch (reader.peek()) {
      case BEGIN_OBJECT -> {
        JsonObject o = new JsonObject();
        reader.beginObject();
        while (reader.hasNext()) {
          String key = reader.nextName();
          String keyPath = path.isEmpty() ? key : path + "." + key;
          if (o.has(key)) {
            throw new CodeQueryException(
                source
                    + ": key \""
                    + keyPath
                    + "\" appears twice"
                    + where(reader)
                    + "; JSON readers disagree on which one counts, so code-query reads neither."
                    + " Keep one and remove the other.");
          }
          o.add(key, readValue(source, reader, keyPath));
        }
        reader.endObject();
        return o;
      }
      case BEGIN_ARRAY -> {
        JsonArray a = new JsonArray();
        reader.beginArray();
        int i = 0;
        while (reader.hasNext()) {
          a.add(readValue(source, reader, path + "[" + i++ + "]"));
        }
        reader.endArray();
        return a;
      }
      case STRING -> {
        return new JsonPrimitive(reader.nextString());
      }
      case NUMBER -> {
        return new JsonPrimitive(new BigDecimal(reader.nextString()));
      }
      case BOOLEAN -> {
        return new JsonPrimitive(reader.nextBoolean());
      }
      case NULL -> {
        reader.nextNull();
        return JsonNull.INSTANCE;
      }
      default -> throw new MalformedJsonException("unexpected " + reader.peek() + where(reader));
    }
  }

  /** " at line N" for the reader's position (Gson's description of it, cut to the line). */
  private static String where(JsonReader reader) {
    Matcher at = Pattern.compile("line (\\d+)").matcher(reader.toString());
    return at.find() ? " at line " + at.group(1) : "";
  }

  /** The default config file's text, as {@code init} writes it. */
  public static String defaultText(String datasetName) {
    Config d = Config.defaults(datasetName);
    Map<String, Object> processing = new LinkedHashMap<>();
    processing.put("mode", d.mode());
    processing.put("fallback", d.fallback());
    processing.put("command", null);
    processing.put("max_retries", d.maxRetries());
    processing.put("retry_delay_seconds", d.retryDelaySeconds());
    processing.put("job_timeout_seconds", d.jobTimeoutSeconds());
    processing.put("heartbeat_seconds", d.heartbeatSeconds());
    processing.put("stop_timeout_seconds", d.stopTimeoutSeconds());
    processing.put("concurrency", d.concurrency());
    processing.put("stdin", d.stdin());
    Map<String, Object> top = new LinkedHashMap<>();
    top.put("dataset_name", d.datasetName());
    top.put("model", d.model());
    top.put("processing", processing);
    return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(top) + "\n";
  }

  private static void unknownKeys(
      String source, String prefix, JsonObject o, Set<String> known, List<String> out) {
    for (String k : o.keySet()) {
      if (!known.contains(k)) {
        out.add(
            source
                + ": unknown key \""
                + prefix
                + k
                + "\" is ignored (known: "
                + String.join(", ", new TreeSet<>(known))
                + ")");
      }
    }
  }

  private static String string(String source, JsonObject o, String key, String fallback) {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      return fallback;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new CodeQueryException(source + ": key \"" + key + "\" must be a string, found " + e);
    }
    return e.getAsString();
  }

  private static String oneOf(
      String source, JsonObject o, String key, List<String> allowed, String fallback) {
    String v = string(source, o, key, fallback);
    if (!allowed.contains(v)) {
      throw new CodeQueryException(
          source
              + ": key \"processing."
              + key
              + "\" must be one of "
              + allowed
              + ", found \""
              + v
              + "\"");
    }
    return v;
  }

  private static int integer(
      String source, JsonObject o, String key, int fallback, int min, int max) {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      return fallback;
    }
    String expected = "an integer from " + min + " to " + max;
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw new CodeQueryException(
          source + ": key \"processing." + key + "\" must be " + expected + ", found " + e);
    }
    JsonPrimitive prim = e.getAsJsonPrimitive();
    BigDecimal v = prim.getAsBigDecimal();
    if (v.stripTrailingZeros().scale() > 0
        || v.compareTo(BigDecimal.valueOf(min)) < 0
        || v.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw new CodeQueryException(
          source + ": key \"processing." + key + "\" must be " + expected + ", found " + e);
    }
    return v.intValueExact();
  }

  private static List<String> command(String source, JsonObject o) {
    JsonElement e = o.get("command");
    if (e == null || e.isJsonNull()) {
      return null;
    }
    String expected =
        "null or a non-empty JSON array of strings (argv, no shell), e.g. [\"my-doc-tool\","
            + " \"{file}\"]";
    if (!e.isJsonArray() || e.getAsJsonArray().isEmpty()) {
      throw new CodeQueryException(
          source + ": key \"processing.command\" must be " + expected + ", found " + e);
    }
    JsonArray a = e.getAsJsonArray();
    List<String> argv = new ArrayList<>(a.size());
    for (JsonElement x : a) {
      if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isString()) {
        throw new CodeQueryException(
            source + ": key \"processing.command\" must be " + expected + ", found element " + x);
      }
      argv.add(x.getAsString());
    }
    if (argv.get(0).isBlank()) {
      throw new CodeQueryException(
          source + ": key \"processing.command\" has an empty program name (element 0)");
    }
    return List.copyOf(argv);
  }

  /** Gson's message, cut to where the error is ("... at line 3 column 7"). */
  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    String m = String.valueOf(t.getMessage());
    Matcher at = Pattern.compile("line (\\d+) column (\\d+)").matcher(m);
    if (at.find()) {
      return "error at line " + at.group(1) + ", column " + at.group(2);
    }
    int nl = m.indexOf('\n');
    return nl >= 0 ? m.substring(0, nl) : m;
  }
}
