package dev.aide.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChildEnvironmentTest {
  private static final Map<String, String> HOST =
      Map.of(
          "PATH", "/usr/bin:/bin",
          "HOME", "/home/alice",
          "LANG", "en_US.UTF-8",
          "OMP_NUM_THREADS", "8",
          "OPENAI_API_KEY", "sk-host",
          "DB_PASSWORD", "hunter2",
          "SSH_AUTH_SOCK", "/run/agent",
          "AWS_REGION", "eu-west-1");

  @Test
  void recognisesSecretLookingNames() {
    assertThat(ChildEnvironment.looksSecret("OPENAI_API_KEY")).isTrue();
    assertThat(ChildEnvironment.looksSecret("ANTHROPIC_API_KEY")).isTrue();
    assertThat(ChildEnvironment.looksSecret("GITHUB_TOKEN")).isTrue();
    assertThat(ChildEnvironment.looksSecret("AWS_SECRET_ACCESS_KEY")).isTrue();
    assertThat(ChildEnvironment.looksSecret("CLIENT_SECRET")).isTrue();
    assertThat(ChildEnvironment.looksSecret("db_password")).isTrue();
    assertThat(ChildEnvironment.looksSecret("PATH")).isFalse();
    assertThat(ChildEnvironment.looksSecret("OMP_NUM_THREADS")).isFalse();
    assertThat(ChildEnvironment.looksSecret("MONKEY")).isFalse();
  }

  @Test
  void passesOnlyTheAllowlistFromTheHostAndSetsHomeAndTmpdir() {
    ChildEnvironment env = new ChildEnvironment(HOST, Set.of(), Map.of(), null, Set.of());
    Map<String, String> child = env.forExecution(Map.of(), "/ws/tmp", "id-1");
    assertThat(child)
        .containsEntry("PATH", "/usr/bin:/bin")
        .containsEntry("LANG", "en_US.UTF-8")
        .containsEntry("OMP_NUM_THREADS", "8")
        .containsEntry("HOME", "/ws/tmp")
        .containsEntry("TMPDIR", "/ws/tmp")
        .containsEntry("PYTHONUSERBASE", "/home/alice/.local")
        .containsEntry("PYTHONUNBUFFERED", "1")
        .containsEntry("AIDE_EXECUTION_ID", "id-1")
        .doesNotContainKeys("OPENAI_API_KEY", "DB_PASSWORD", "SSH_AUTH_SOCK", "AWS_REGION");
  }

  @Test
  void addsInheritedFixedAndRequestVariablesAndThreads() {
    ChildEnvironment env =
        new ChildEnvironment(HOST, Set.of("AWS_REGION"), Map.of("SEED", "7"), 2, Set.of());
    Map<String, String> child = env.forExecution(Map.of("TASK", "x"), "/s", "id");
    assertThat(child)
        .containsEntry("AWS_REGION", "eu-west-1")
        .containsEntry("SEED", "7")
        .containsEntry("TASK", "x")
        .containsEntry("OMP_NUM_THREADS", "2")
        .containsEntry("OPENBLAS_NUM_THREADS", "2")
        .containsEntry("MKL_NUM_THREADS", "2");
  }

  @Test
  void dropsSecretsFromTheRequestUnlessAllowed() {
    Map<String, String> request = Map.of("HF_TOKEN", "hf-1", "KAGGLE_KEY", "k-1");
    assertThat(
            new ChildEnvironment(HOST, Set.of(), Map.of(), null, Set.of())
                .forExecution(request, "/s", "id"))
        .doesNotContainKeys("HF_TOKEN", "KAGGLE_KEY");
    assertThat(
            new ChildEnvironment(HOST, Set.of(), Map.of(), null, Set.of("HF_TOKEN"))
                .forExecution(request, "/s", "id"))
        .containsEntry("HF_TOKEN", "hf-1")
        .doesNotContainKey("KAGGLE_KEY");
  }

  @Test
  void refusesToInheritOrSetASecretThatWasNotAllowed() {
    assertThatThrownBy(
            () -> new ChildEnvironment(HOST, Set.of("OPENAI_API_KEY"), Map.of(), null, Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allowSecret(\"OPENAI_API_KEY\")");
    assertThatThrownBy(
            () -> new ChildEnvironment(HOST, Set.of(), Map.of("MY_TOKEN", "t"), null, Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MY_TOKEN");
    assertThat(
            new ChildEnvironment(
                    HOST, Set.of("OPENAI_API_KEY"), Map.of(), null, Set.of("OPENAI_API_KEY"))
                .forExecution(Map.of(), "/s", "id"))
        .containsEntry("OPENAI_API_KEY", "sk-host");
  }
}
