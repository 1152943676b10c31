package io.codequery.pidfile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PidParserTest {
  private static final long LIMIT = 32768;

  private static PidParse parse(String s) {
    return PidParser.parse(s.getBytes(StandardCharsets.UTF_8), LIMIT);
  }

  private static String rejected(String s) {
    PidParse p = parse(s);
    PidParse.Rejected r =
        assertInstanceOf(PidParse.Rejected.class, p, "expected rejection of " + s);
    assertFalse(r.reason().isBlank());
    return r.reason();
  }

  @Test
  void a_pid_and_newline_as_the_worker_writes_it_parses() {
    assertEquals(new PidParse.Valid(4242), parse("4242\n"));
  }

  @Test
  void surrounding_ascii_whitespace_is_allowed() {
    assertEquals(new PidParse.Valid(17), parse(" \t\r\n\u000b\f17 \r\n\t"));
  }

  @Test
  void the_largest_pid_below_pid_max_parses_and_pid_max_itself_is_rejected() {
    assertEquals(new PidParse.Valid(32767), parse("32767"));
    assertTrue(rejected("32768").contains("pid_max"));
  }

  @Test
  void pid_one_parses_because_it_gets_no_shortcut_at_parse_time() {
    assertEquals(new PidParse.Valid(1), parse("1"));
  }

  @Test
  void an_empty_file_is_rejected_as_empty() {
    assertTrue(rejected("").contains("empty"));
  }

  @Test
  void a_whitespace_only_file_is_rejected() {
    assertTrue(rejected(" \n\t ").contains("whitespace"));
  }

  @Test
  void zero_is_rejected_because_it_addresses_a_process_group() {
    assertTrue(rejected("0\n").contains("PID 0"));
  }

  @Test
  void minus_one_and_other_negative_numbers_are_rejected_for_their_sign() {
    assertTrue(rejected("-1").contains("sign"));
    assertTrue(rejected("-4242\n").contains("sign"));
  }

  @Test
  void a_plus_sign_is_rejected() {
    assertTrue(rejected("+5").contains("sign"));
  }

  @Test
  void leading_zeros_are_rejected() {
    assertTrue(rejected("007").contains("leading zero"));
  }

  @Test
  void several_tokens_are_rejected() {
    assertTrue(rejected("12 34").contains("several tokens"));
    assertTrue(rejected("12\n34\n").contains("several tokens"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "12a", "0x1F", "1.5", "1e3", "12-", "4_2", "pid=42"})
  void non_numeric_content_is_rejected(String s) {
    assertTrue(rejected(s).contains("not an ASCII digit"), s);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"\u0664\u0662", "\u0661", "\uff14\uff12", "4\u0662", "\u09ea\u09e8", "\u00b2"})
  void non_ascii_digits_that_python_isdigit_accepts_are_rejected(String s) {
    assertTrue(Character.isDigit(s.codePointAt(s.length() - 1)) || s.equals("\u00b2"));
    assertTrue(rejected(s).contains("not an ASCII digit"), s);
  }

  @Test
  void nul_bytes_are_rejected_wherever_they_are() {
    assertTrue(rejected("42\0").contains("0x00"));
    assertTrue(rejected("\0" + "42").contains("0x00"));
    assertTrue(rejected("4\0" + "2").contains("0x00"));
    rejected("\0");
  }

  @Test
  void overflowing_numbers_are_rejected_without_wrapping() {
    assertTrue(rejected("99999999999999999999999").contains("too large"));
    assertTrue(rejected("4294967296").contains("beyond"));
    assertTrue(rejected("2147483648").contains("beyond"));
    assertInstanceOf(
        PidParse.Rejected.class,
        PidParser.parse("4294967338".getBytes(StandardCharsets.US_ASCII), Integer.MAX_VALUE));
  }

  @Test
  void a_high_byte_is_described_as_a_byte_not_as_a_character() {
    String reason =
        assertInstanceOf(
                PidParse.Rejected.class, PidParser.parse(new byte[] {'4', (byte) 0xFF}, LIMIT))
            .reason();
    assertTrue(reason.contains("0xFF"), reason);
  }
}
