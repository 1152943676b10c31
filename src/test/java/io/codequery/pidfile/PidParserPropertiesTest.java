package io.codequery.pidfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class PidParserPropertiesTest {
  /** The largest pid_max Linux allows is 2^22. */
  private static final long LINUX_MAX = 1L << 22;

  private static final Pattern WELL_FORMED =
      Pattern.compile("[ \t\n\r\u000b\f]*([1-9][0-9]{0,9})[ \t\n\r\u000b\f]*");

  private static PidParse parse(String s, long limit) {
    return PidParser.parse(s.getBytes(StandardCharsets.UTF_8), limit);
  }

  private static void assertRejected(PidParse p, String input) {
    PidParse.Rejected r =
        assertInstanceOf(PidParse.Rejected.class, p, () -> "accepted " + escape(input));
    assertFalse(r.reason().isBlank());
  }

  @Property
  void every_valid_decimal_in_range_parses_back(
      @ForAll @LongRange(min = 2, max = LINUX_MAX) long limit,
      @ForAll @IntRange(min = 1, max = (int) LINUX_MAX) int candidate,
      @ForAll("asciiSpace") String before,
      @ForAll("asciiSpace") String after) {
    int pid = (int) (1 + (candidate - 1) % (limit - 1));
    assertEquals(new PidParse.Valid(pid), parse(before + pid + after, limit));
  }

  @Property
  void every_number_at_or_above_the_limit_is_rejected(
      @ForAll @LongRange(min = 2, max = LINUX_MAX) long limit,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long excess) {
    String s = Long.toString(limit + excess);
    assertRejected(parse(s, limit), s);
  }

  @Property
  void a_non_ascii_digit_character_anywhere_is_rejected(
      @ForAll @IntRange(min = 1, max = 32767) int pid,
      @ForAll("foreignChar") String foreign,
      @ForAll @IntRange(min = 0, max = 6) int position) {
    String digits = Integer.toString(pid);
    int at = Math.min(position, digits.length());
    String s = digits.substring(0, at) + foreign + digits.substring(at);
    assertRejected(parse(s, 32768), s);
  }

  @Property
  void a_number_written_entirely_in_unicode_digits_is_rejected(
      @ForAll @IntRange(min = 1, max = 32767) int pid, @ForAll("zeroDigit") char zero) {
    StringBuilder s = new StringBuilder();
    for (char c : Integer.toString(pid).toCharArray()) {
      s.append((char) (zero + (c - '0')));
    }
    assertRejected(parse(s.toString(), 32768), s.toString());
  }

  @Property
  void a_sign_or_leading_zero_is_rejected(
      @ForAll @IntRange(min = 0, max = 32767) int pid, @ForAll("prefix") String prefix) {
    String s = prefix + pid;
    assertRejected(parse(s, 32768), s);
  }

  @Property
  void several_tokens_are_rejected(
      @ForAll @IntRange(min = 1, max = 32767) int a,
      @ForAll @IntRange(min = 1, max = 32767) int b,
      @ForAll("nonEmptyAsciiSpace") String between) {
    String s = a + between + b;
    assertRejected(parse(s, 32768), s);
  }

  @Property
  void nul_bytes_are_rejected(
      @ForAll @IntRange(min = 1, max = 32767) int pid,
      @ForAll @IntRange(min = 0, max = 6) int position) {
    String digits = Integer.toString(pid);
    int at = Math.min(position, digits.length());
    String s = digits.substring(0, at) + '\0' + digits.substring(at);
    assertRejected(parse(s, 32768), s);
  }

  @Property
  void whitespace_only_is_rejected(@ForAll("asciiSpace") String s) {
    assertRejected(parse(s, 32768), s);
  }

  /**
   * The whole contract against an oracle, on arbitrary bytes: never throws, accepts exactly the
   * well-formed.
   */
  @Property(tries = 2000)
  void arbitrary_bytes_are_accepted_exactly_when_they_are_one_well_formed_pid_below_the_limit(
      @ForAll("pidLikeBytes") byte[] bytes,
      @ForAll @LongRange(min = 2, max = LINUX_MAX) long limit) {
    PidParse p = PidParser.parse(bytes, limit);
    String latin = new String(bytes, StandardCharsets.ISO_8859_1);
    var m = WELL_FORMED.matcher(latin);
    boolean expectValid = m.matches() && Long.parseLong(m.group(1)) < limit;
    if (expectValid) {
      assertEquals(new PidParse.Valid(Integer.parseInt(m.group(1))), p, escape(latin));
    } else {
      assertRejected(p, latin);
    }
  }

  @Provide
  Arbitrary<String> asciiSpace() {
    return Arbitraries.strings().withChars(" \t\n\r\u000b\f").ofMaxLength(4);
  }

  @Provide
  Arbitrary<String> nonEmptyAsciiSpace() {
    return Arbitraries.strings().withChars(" \t\n\r\u000b\f").ofMinLength(1).ofMaxLength(3);
  }

  @Provide
  Arbitrary<String> prefix() {
    return Arbitraries.of("+", "-", "0", "00", "-0", "+0");
  }

  @Provide
  Arbitrary<Character> zeroDigit() {
    // Arabic-Indic, Extended Arabic-Indic, Devanagari, Bengali, fullwidth, mathematical bold (BMP
    // only)
    return Arbitraries.of('\u0660', '\u06f0', '\u0966', '\u09e6', '\uff10', '\u0e50', '\u1040');
  }

  @Provide
  Arbitrary<String> foreignChar() {
    Arbitrary<String> unicodeDigits =
        Arbitraries.chars()
            .filter(c -> Character.isDigit(c) && (c < '0' || c > '9'))
            .map(String::valueOf);
    Arbitrary<String> anyNonDigit =
        Arbitraries.strings()
            .ofLength(1)
            .filter(s -> !(s.charAt(0) >= '0' && s.charAt(0) <= '9'))
            .filter(s -> " \t\n\r\u000b\f".indexOf(s.charAt(0)) < 0);
    return Arbitraries.oneOf(
        unicodeDigits, anyNonDigit, Arbitraries.of("\0", "+", "-", ".", "x", "\u00a0", "\u2007"));
  }

  @Provide
  Arbitrary<byte[]> pidLikeBytes() {
    Arbitrary<Byte> likely =
        Arbitraries.of(
            (byte) '0',
            (byte) '1',
            (byte) '5',
            (byte) '9',
            (byte) ' ',
            (byte) '\n',
            (byte) '\t',
            (byte) '+',
            (byte) '-',
            (byte) 0,
            (byte) 0xD9,
            (byte) 0xA4);
    Arbitrary<Byte> any = Arbitraries.bytes();
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(8, likely), net.jqwik.api.Tuple.of(1, any))
        .array(byte[].class)
        .ofMaxSize(14);
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return b.toString();
  }
}
