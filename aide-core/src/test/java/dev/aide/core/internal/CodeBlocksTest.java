package dev.aide.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.Language;
import org.junit.jupiter.api.Test;

class CodeBlocksTest {
  @Test
  void planIsTheTextBeforeTheFirstBlock() {
    CodeBlocks.Parsed parsed =
        CodeBlocks.parse(
            "Use a random forest.\nTune nothing yet.\n\n```python\nprint(1)\n```\nDone.",
            Language.PYTHON);

    assertThat(parsed.plan()).isEqualTo("Use a random forest.\nTune nothing yet.");
    assertThat(parsed.code()).isEqualTo("print(1)");
  }

  @Test
  void blocksOfTheLanguageAreJoined() {
    CodeBlocks.Parsed parsed =
        CodeBlocks.parse(
            "Plan.\n```python\nimport os\n```\nthen\n```py\nprint(os.name)\n```", Language.PYTHON);

    assertThat(parsed.code()).isEqualTo("import os\n\nprint(os.name)");
  }

  @Test
  void blocksOfOtherLanguagesAreNotCode() {
    CodeBlocks.Parsed parsed =
        CodeBlocks.parse(
            "Install first:\n```bash\npip install lightgbm\n```\n```python3\nimport lightgbm\n```",
            Language.PYTHON);

    assertThat(parsed.code()).isEqualTo("import lightgbm");
    assertThat(CodeBlocks.parse("```bash\nls\n```", Language.PYTHON).code()).isNull();
  }

  @Test
  void untaggedBlocksAreTakenWhenNoneIsTagged() {
    assertThat(CodeBlocks.parse("Plan.\n```\nx = 1\n```", Language.PYTHON).code())
        .isEqualTo("x = 1");
  }

  @Test
  void followsTheTasksLanguage() {
    String answer = "Plan.\n```python\nprint(1)\n```\n```java\nclass Main {}\n```";

    assertThat(CodeBlocks.parse(answer, Language.JAVA).code()).isEqualTo("class Main {}");
    assertThat(CodeBlocks.parse(answer, Language.PYTHON).code()).isEqualTo("print(1)");
  }

  @Test
  void blockLeftOpenAtTheEndCounts() {
    assertThat(CodeBlocks.parse("Plan.\n```python\nprint(2)\n", Language.PYTHON).code())
        .isEqualTo("print(2)");
  }

  @Test
  void innerFenceOfAnotherLengthDoesNotCloseTheBlock() {
    String answer = "Plan.\n````python\ns = '''\n```\n'''\n````";

    assertThat(CodeBlocks.parse(answer, Language.PYTHON).code()).isEqualTo("s = '''\n```\n'''");
  }

  @Test
  void answerWithoutBlocksHasNoCodeAndIsAllPlan() {
    CodeBlocks.Parsed parsed = CodeBlocks.parse("I would use `xgboost` here.", Language.PYTHON);

    assertThat(parsed.code()).isNull();
    assertThat(parsed.plan()).isEqualTo("I would use `xgboost` here.");
  }

  @Test
  void keepsTheIndentationOfTheFirstLine() {
    assertThat(CodeBlocks.parse("```bash\n\n  echo hi\n\n```", Language.BASH).code())
        .isEqualTo("  echo hi");
  }

  @Test
  void crlfLineEndingsAreHandled() {
    assertThat(
            CodeBlocks.parse("Plan.\r\n```python\r\nprint(3)\r\n```\r\n", Language.PYTHON).code())
        .isEqualTo("print(3)");
  }
}
