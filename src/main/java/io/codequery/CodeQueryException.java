package io.codequery;

/**
 * The one root of this library's unchecked exceptions. Messages name the file or value at fault and
 * what to do next.
 */
public class CodeQueryException extends RuntimeException {
  public CodeQueryException(String message) {
    super(message);
  }

  public CodeQueryException(String message, Throwable cause) {
    super(message, cause);
  }
}
