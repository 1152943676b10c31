package io.codequery.outline;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Universal Ctags' JSON output ({@code --output-format=json}: one object per line) read as {@link
 * Symbol}s. A pure function. Fields it does not know are ignored, pseudo-tags and other records
 * that are not tags are passed over, and a line that is not a tag it can read (malformed JSON, no
 * name, no line number) is skipped and counted: one bad line never costs the rest of the outline.
 */
public final class CtagsJson {
  /**
   * @param symbols the tags, in the order ctags wrote them
   * @param skippedLines lines that were neither a readable tag nor another ctags record
   */
  public record Parsed(List<Symbol> symbols, int skippedLines) {
    public Parsed {
      symbols = List.copyOf(symbols);
    }
  }

  private CtagsJson() {}

  /** Parses {@code text}, one JSON object per line; blank lines are ignored. */
  public static Parsed parse(String text) {
    List<Symbol> symbols = new ArrayList<>();
    int skipped = 0;
    for (String line : text.split("\n", -1)) {
      if (line.isBlank()) {
        continue;
      }
      JsonObject record = object(line);
      if (record == null) {
        skipped++;
        continue;
      }
      String type = string(record, "_type");
      if (!type.isEmpty() && !type.equals("tag")) {
        // Pseudo-tags ("ptag") and any record type a later ctags adds: not symbols, not errors.
        continue;
      }
      String name = string(record, "name");
      int lineNumber = positiveInt(record, "line");
      if (name.isEmpty() || lineNumber < 1) {
        skipped++;
        continue;
      }
      int end = positiveInt(record, "end");
      symbols.add(
          new Symbol(
              name,
              string(record, "kind"),
              lineNumber,
              end >= lineNumber ? end : 0,
              string(record, "scope"),
              string(record, "scopeKind"),
              string(record, "signature"),
              string(record, "language")));
    }
    return new Parsed(symbols, skipped);
  }

  private static JsonObject object(String line) {
    try {
      JsonElement e = JsonParser.parseString(line);
      return e.isJsonObject() ? e.getAsJsonObject() : null;
    } catch (JsonParseException e) {
      // Gson also refuses nesting past its limit here, so a hostile line cannot exhaust the stack.
      return null;
    }
  }

  private static String string(JsonObject o, String key) {
    JsonElement e = o.get(key);
    if (e instanceof JsonPrimitive p && p.isString()) {
      return p.getAsString();
    }
    return "";
  }

  /** The field as an int ≥ 1, or -1 where it is absent, not a whole number, or out of range. */
  private static int positiveInt(JsonObject o, String key) {
    JsonElement e = o.get(key);
    if (!(e instanceof JsonPrimitive p) || !p.isNumber()) {
      return -1;
    }
    try {
      BigDecimal d = p.getAsBigDecimal();
      int v = d.intValueExact();
      return v >= 1 ? v : -1;
    } catch (ArithmeticException | NumberFormatException ex) {
      return -1;
    }
  }
}
