package io.codequery.hooks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.codequery.testing.SharedClones;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which remote a worker fetches from, on real repositories. */
class GitFetchTest {
  @TempDir Path tmp;

  @Test
  void the_remote_is_the_branchs_upstream_else_origin_else_the_only_one_else_none()
      throws Exception {
    SharedClones clones = SharedClones.create(tmp.resolve("git"));
    Path clone = clones.cloneAs("c");
    String url = clones.remote().toString();
    assertEquals(Optional.of("origin"), GitFetch.remoteOf(clone), "origin, main's upstream");

    SharedClones.git(clone, "remote", "add", "team", url);
    SharedClones.git(clone, "config", "branch.main.remote", "team");
    assertEquals(Optional.of("team"), GitFetch.remoteOf(clone), "the branch's upstream first");

    SharedClones.git(clone, "config", "branch.main.remote", ".");
    assertEquals(
        Optional.of("origin"), GitFetch.remoteOf(clone), "a local upstream is no remote: origin");

    SharedClones.git(clone, "config", "--unset", "branch.main.remote");
    SharedClones.git(clone, "remote", "remove", "origin");
    assertEquals(Optional.of("team"), GitFetch.remoteOf(clone), "the only remote");

    SharedClones.git(clone, "remote", "add", "other", url);
    assertEquals(Optional.empty(), GitFetch.remoteOf(clone), "two, neither origin: no guess");

    Path lone = Files.createDirectories(tmp.resolve("lone"));
    SharedClones.git(lone, "init", "-q");
    assertEquals(Optional.empty(), GitFetch.remoteOf(lone), "no remote");
    assertEquals(Optional.empty(), GitFetch.remoteOf(tmp), "not a repository");
  }
}
