package dev.aide.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.exec.ExecutorException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Choosing the user a root JVM runs programs as; needs no root. UnprivilegedRunTest runs it. */
class RunAsUserTest {
  private static final List<String[]> PASSWD =
      List.of(
          "root:x:0:0:root:/root:/bin/bash".split(":", -1),
          "aide:x:1001:1002::/home/aide:/bin/sh".split(":", -1),
          "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin".split(":", -1));

  @TempDir Path root;

  @Test
  void defaultsToNobodyFromPasswdOr65534() {
    RunAsUser nobody = RunAsUser.resolve(null, PASSWD);
    assertThat(nobody.uid()).isEqualTo(65534);
    assertThat(nobody.gid()).isEqualTo(65534);
    assertThat(nobody).hasToString("nobody (uid 65534, gid 65534)");

    RunAsUser fallback = RunAsUser.resolve(null, List.<String[]>of(PASSWD.get(0)));
    assertThat(fallback.uid()).isEqualTo(65534);
    assertThat(fallback.gid()).isEqualTo(65534);
  }

  @Test
  void takesANameAUidAndAGroup() {
    RunAsUser byName = RunAsUser.resolve("aide", PASSWD);
    assertThat(byName.uid()).isEqualTo(1001);
    assertThat(byName.gid()).as("the group of its passwd entry").isEqualTo(1002);

    RunAsUser byUid = RunAsUser.resolve("1001", PASSWD);
    assertThat(byUid).hasToString("aide (uid 1001, gid 1002)");

    RunAsUser unknownUid = RunAsUser.resolve("4242", PASSWD);
    assertThat(unknownUid.gid()).isEqualTo(4242);

    RunAsUser withGroup = RunAsUser.resolve("aide:77", PASSWD);
    assertThat(withGroup.uid()).isEqualTo(1001);
    assertThat(withGroup.gid()).isEqualTo(77);
    assertThat(withGroup.setprivOptions())
        .containsExactly(
            "--reuid=1001", "--regid=77", "--clear-groups", "--inh-caps=-all", "--no-new-privs");
  }

  @Test
  void rejectsAnUnknownNameAndRoot() {
    assertThatThrownBy(() -> RunAsUser.resolve("bob", PASSWD))
        .isInstanceOf(ExecutorException.class)
        .hasMessage(
            "runAs(\"bob\"): there is no user bob in /etc/passwd. Create it (e.g. useradd --system"
                + " bob), or give a numeric uid:gid such as 65534:65534");
    for (String rootUser : List.of("root", "0", "0:65534", "65534:0", "aide:0")) {
      assertThatThrownBy(() -> RunAsUser.resolve(rootUser, PASSWD))
          .as(rootUser)
          .isInstanceOf(ExecutorException.class)
          .hasMessageContaining("runAs(\"" + rootUser + "\")")
          .hasMessageContaining("generated code never runs as root");
    }
    for (String bad : List.of("", ":1", "aide:", "aide:staff")) {
      assertThatThrownBy(() -> RunAsUser.resolve(bad, PASSWD))
          .as(bad)
          .isInstanceOf(ExecutorException.class)
          .hasMessageContaining("not a user");
    }
  }

  @Test
  void theBuilderRejectsAnUnknownUserAndRoot() {
    assertThatThrownBy(() -> ProcessExecutor.builder().jvmUid(0).runAs("no-such-user-x").build())
        .isInstanceOf(ExecutorException.class)
        .hasMessageContaining("there is no user no-such-user-x in /etc/passwd");
    assertThatThrownBy(() -> ProcessExecutor.builder().jvmUid(0).runAs("root").build())
        .isInstanceOf(ExecutorException.class)
        .hasMessageContaining("generated code never runs as root");
  }

  @Test
  void aUserSwitchNeedsARootJvm() {
    assertThatThrownBy(() -> ProcessExecutor.builder().jvmUid(1000).runAs("nobody").build())
        .isInstanceOf(ExecutorException.class)
        .hasMessage(
            "runAs(\"nobody\"): the JVM does not run as root (uid 1000), so it cannot switch"
                + " users; programs run as the JVM's user. Remove runAs, or run the JVM as root.");
    assertThat(ProcessExecutor.builder().jvmUid(1000).build()).isNotNull();
  }

  @Test
  void aRootJvmNeedsSetpriv() {
    Map<String, String> host = Map.of("PATH", root.toString());
    assertThatThrownBy(() -> ProcessExecutor.builder().jvmUid(0).hostEnvironment(host).build())
        .isInstanceOf(ExecutorException.class)
        .hasMessageContaining("The JVM runs as root, and generated code must not")
        .hasMessageContaining("setpriv (util-linux), which is not on PATH (" + root + ")")
        .hasMessageContaining("apt-get install util-linux");
    assertThat(ProcessExecutor.builder().jvmUid(1000).hostEnvironment(host).build())
        .as("a JVM that is not root runs programs without setpriv")
        .isNotNull();
  }
}
