package dev.aide.core.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactorTest {
  @Test
  void secretLookingVariablesAndUrlPasswordsAreCut() {
    Redactor redactor =
        Redactor.ofEnvironment(
            Map.of(
                "OPENAI_API_KEY", "sk-abc123456",
                "GITHUB_TOKEN", "ghp_zzzzzzzz",
                "https_proxy", "http://me:pa55word@proxy:3128",
                "HOME", "/home/alice"));

    assertThat(
            redactor.redact(
                "key sk-abc123456, gh ghp_zzzzzzzz, proxy http://me:pa55word@proxy:3128 in"
                    + " /home/alice"))
        .isEqualTo(
            "key [redacted], gh [redacted], proxy http://[redacted]@proxy:3128 in /home/alice");
    assertThat(redactor.redact("the password was pa55word"))
        .isEqualTo("the password was [redacted]");
  }

  @Test
  void flagsAndShortValuesAreNotSecrets() {
    Redactor redactor =
        Redactor.ofEnvironment(
            Map.of(
                "HF_HUB_DISABLE_TOKEN", "true",
                "USE_AUTH", "off",
                "KEY_ID", "7",
                "TOKENIZERS_PARALLELISM", "false"));

    String text = "true, off, 7 and false stay";
    assertThat(redactor.redact(text)).isEqualTo(text);
    assertThat(Redactor.none().with(List.of("abc", "  yes  ")).redact("abc yes"))
        .isEqualTo("abc yes");
  }

  @Test
  void aSecretHoldingAnotherIsCutWhole() {
    Redactor redactor = Redactor.none().with(List.of("abcd", "xxabcdxx"));

    assertThat(redactor.redact("xxabcdxx abcd")).isEqualTo("[redacted] [redacted]");
  }

  @Test
  void resultsLoseSecretsFromOutputAndErrorMessage() {
    Redactor redactor = Redactor.none().with(List.of("s3cr3t-value"));
    ExecutionResult result =
        new ExecutionResult(
            "printed s3cr3t-value",
            3,
            1,
            Duration.ofSeconds(2),
            false,
            "ValueError",
            "bad s3cr3t-value",
            List.of("a.csv"));

    ExecutionResult redacted = redactor.redact(result);

    assertThat(redacted.output()).isEqualTo("printed [redacted]");
    assertThat(redacted.errorMessage()).isEqualTo("bad [redacted]");
    assertThat(redacted)
        .usingRecursiveComparison()
        .ignoringFields("output", "errorMessage")
        .isEqualTo(result);
    assertThat(redactor.toString()).doesNotContain("s3cr3t");
  }
}
