package io.codequery.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.codequery.CodeQueryException;
import io.codequery.pidfile.Ownership;
import io.codequery.project.ProjectLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The check itself, for an explicit user id, on real files (chown needs root). */
@EnabledOnOs(OS.LINUX)
class ProjectTrustTest {
  private static final int NOBODY = 65534;
  private static final int ALICE = 4242;

  @TempDir Path tmp;
  private ProjectLayout layout;
  private Path config;
  private TrustedRoots list;

  @BeforeEach
  void project() throws IOException {
    Path root = Files.createDirectories(tmp.toRealPath().resolve("project"));
    layout = ProjectLayout.of(root);
    layout.ensureDir();
    config = layout.configFile();
    Files.writeString(config, "{}");
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
    list = new TrustedRoots(tmp.resolve("xdg/code-query/trusted-roots"));
  }

  private static void chown(Path p, int uid) throws IOException {
    Files.setAttribute(p, "unix:uid", uid);
  }

  private ProjectTrust.Verdict check(int uid) {
    return ProjectTrust.check(layout, uid, Optional.of(list));
  }

  @Test
  void the_users_own_files_and_root_owned_files_are_trusted() throws IOException {
    int me = Ownership.effectiveUid();
    assertEquals(new ProjectTrust.Trusted(false), check(me));
    assumeTrue(me == 0, "chown needs root");
    assertEquals(new ProjectTrust.Trusted(false), check(ALICE), "root-owned files are fine");
    chown(config, ALICE);
    chown(layout.dir(), ALICE);
    assertEquals(new ProjectTrust.Trusted(false), check(ALICE));
  }

  @Test
  void a_missing_code_query_directory_is_trusted_what_the_user_creates_is_theirs()
      throws IOException {
    Files.delete(config);
    Files.delete(layout.dir());
    assertEquals(new ProjectTrust.Trusted(false), check(ALICE));
  }

  @Test
  void another_users_config_is_refused_naming_file_owner_mode_and_the_trust_command()
      throws IOException {
    assumeTrue(Ownership.effectiveUid() == 0, "chown needs root");
    chown(config, NOBODY);

    ProjectTrust.Untrusted u = assertInstanceOf(ProjectTrust.Untrusted.class, check(0));

    assertEquals(1, u.problems().size(), u.problems().toString());
    String m = u.message();
    assertTrue(m.contains(config + " is owned by nobody (uid 65534), mode 0644, not by you"), m);
    assertTrue(m.contains("code-query trust --project-root " + layout.root()), m);
  }

  @Test
  void a_group_writable_config_offers_chmod_before_trust() throws IOException {
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw-r--"));

    ProjectTrust.Untrusted u =
        assertInstanceOf(ProjectTrust.Untrusted.class, check(Ownership.effectiveUid()));

    String m = u.message();
    assertTrue(m.contains(config + " is writable by group or others (mode 0664"), m);
    assertTrue(m.indexOf("Fix it: chmod go-w " + config) < m.indexOf("code-query trust"), m);
  }

  @Test
  void a_group_writable_directory_is_refused_too() throws IOException {
    Files.setPosixFilePermissions(layout.dir(), PosixFilePermissions.fromString("rwxrwxr-x"));
    ProjectTrust.Untrusted u =
        assertInstanceOf(ProjectTrust.Untrusted.class, check(Ownership.effectiveUid()));
    assertTrue(u.message().contains(layout.dir() + " is writable by group or others"), u.message());
  }

  @Test
  void someone_who_cannot_chmod_is_told_to_ask_the_owner() throws IOException {
    assumeTrue(Ownership.effectiveUid() == 0, "chown needs root");
    chown(config, NOBODY);
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw-rw-"));
    ProjectTrust.Untrusted u = assertInstanceOf(ProjectTrust.Untrusted.class, check(ALICE));
    assertTrue(u.message().contains("Ask nobody to run: chmod go-w " + config), u.message());
  }

  @Test
  void an_explicitly_trusted_root_covers_another_owner_and_writable_files() throws IOException {
    assumeTrue(Ownership.effectiveUid() == 0, "chown needs root");
    chown(config, NOBODY);
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw-rw-"));
    list.add(layout.root());

    assertEquals(new ProjectTrust.Trusted(true), check(0));

    list.remove(layout.root());
    assertInstanceOf(ProjectTrust.Untrusted.class, check(0));
  }

  @Test
  void a_trusted_list_others_may_write_grants_nothing_and_the_refusal_says_so() throws IOException {
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-rw-r--"));
    list.add(layout.root());
    Files.setPosixFilePermissions(list.file(), PosixFilePermissions.fromString("rw-rw-rw-"));

    ProjectTrust.Untrusted u =
        assertInstanceOf(ProjectTrust.Untrusted.class, check(Ownership.effectiveUid()));

    assertTrue(u.message().contains("your list of trusted roots: " + list.file()), u.message());
  }

  @Test
  void a_linked_code_query_or_config_is_refused_whatever_the_list_says() throws IOException {
    list.add(layout.root());
    Path elsewhere = Files.writeString(tmp.resolve("elsewhere.json"), "{}");
    Files.delete(config);
    Files.createSymbolicLink(config, elsewhere);

    CodeQueryException e =
        assertThrows(CodeQueryException.class, () -> check(Ownership.effectiveUid()));

    assertTrue(
        e.getMessage().startsWith(config + " is a symbolic link to " + elsewhere), e.getMessage());
  }
}
