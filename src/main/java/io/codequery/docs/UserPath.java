package io.codequery.docs;

import io.codequery.project.RepoPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A path a user (or an assistant through MCP) names to read a document: project-relative, as {@code
 * docs search} prints it. Judged by its words and by {@code lstat} alone — nothing is opened or
 * read — and refused where it could name something outside the repository: absolute, a {@code ..}
 * segment, a NUL, or a symbolic link on the way in the working tree.
 *
 * @param path the path, normalized ({@code ./} and empty segments dropped); null where refused
 * @param refusal why it is refused, naming it; null where accepted
 */
record UserPath(RepoPath path, String refusal) {
  static UserPath of(Path root, String given) {
    String shown = "\"" + given.replace("\0", "\\0") + "\"";
    if (given.isBlank()) {
      return refused("give the path of a file, relative to the project root");
    }
    if (given.indexOf('\0') >= 0) {
      return refused("path " + shown + " holds a NUL character, refused");
    }
    if (given.startsWith("/")) {
      return refused(
          "path "
              + shown
              + " is absolute, refused: give it relative to the project root, as `docs search`"
              + " prints it");
    }
    List<String> segments = new ArrayList<>();
    for (String segment : given.split("/")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        return refused(
            "path " + shown + " has a \"..\" segment, refused: it could lead out of the project");
      }
      segments.add(segment);
    }
    if (segments.isEmpty()) {
      return refused("path " + shown + " names the project root, not a file");
    }
    Path at = root;
    for (String segment : segments) {
      at = at.resolve(segment);
      if (Files.isSymbolicLink(at)) {
        return refused(
            "path "
                + shown
                + " goes through the symbolic link "
                + root.relativize(at)
                + ", refused: links are not followed (and not documented)");
      }
    }
    return new UserPath(RepoPath.of(String.join("/", segments)), null);
  }

  private static UserPath refused(String why) {
    return new UserPath(null, why);
  }
}
