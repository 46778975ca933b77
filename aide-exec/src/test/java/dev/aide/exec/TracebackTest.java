package dev.aide.exec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TracebackTest {
  @Test
  void readsTypeAndMessageOfAnUncaughtException() {
    String output =
        "loading\n"
            + "Traceback (most recent call last):\n"
            + "  File \"solution.py\", line 3, in <module>\n"
            + "    raise ValueError(\"bad shape\")\n"
            + "ValueError: bad shape\n";
    assertThat(Traceback.parse(output)).isEqualTo(new Traceback("ValueError", "bad shape"));
  }

  @Test
  void readsASyntaxErrorThatHasNoTracebackHeader() {
    String output =
        "  File \"solution.py\", line 1\n"
            + "    def f(\n"
            + "         ^\n"
            + "SyntaxError: '(' was never closed\n";
    assertThat(Traceback.parse(output))
        .isEqualTo(new Traceback("SyntaxError", "'(' was never closed"));
  }

  @Test
  void takesTheLastExceptionOfAChainWithItsMultiLineMessage() {
    String output =
        "Traceback (most recent call last):\n"
            + "  File \"solution.py\", line 4, in <module>\n"
            + "    1/0\n"
            + "ZeroDivisionError: division by zero\n"
            + "\n"
            + "The above exception was the direct cause of the following exception:\n"
            + "\n"
            + "Traceback (most recent call last):\n"
            + "  File \"solution.py\", line 6, in <module>\n"
            + "    raise ValueError(\"bad\\nline2\") from e\n"
            + "ValueError: bad\n"
            + "line2\n";
    assertThat(Traceback.parse(output)).isEqualTo(new Traceback("ValueError", "bad\nline2"));
  }

  @Test
  void readsAnExceptionWithoutMessageAndADottedName() {
    assertThat(
            Traceback.parse(
                "Traceback (most recent call last):\n"
                    + "  File \"solution.py\", line 1, in <module>\n"
                    + "MemoryError\n"))
        .isEqualTo(new Traceback("MemoryError", null));
    assertThat(
            Traceback.parse(
                "Traceback (most recent call last):\n"
                    + "  File \"solution.py\", line 9, in <module>\n"
                    + "    model.predict(x)\n"
                    + "sklearn.exceptions.NotFittedError: This model is not fitted yet.\n"))
        .isEqualTo(
            new Traceback("sklearn.exceptions.NotFittedError", "This model is not fitted yet."));
  }

  @Test
  void readsTheTopOfAnExceptionGroup() {
    String output =
        "  + Exception Group Traceback (most recent call last):\n"
            + "  |   File \"solution.py\", line 1, in <module>\n"
            + "  | ExceptionGroup: eg (1 sub-exception)\n"
            + "  +-+---------------- 1 ----------------\n"
            + "    | ValueError: 1\n"
            + "    +------------------------------------\n";
    assertThat(Traceback.parse(output))
        .isEqualTo(new Traceback("ExceptionGroup", "eg (1 sub-exception)"));
  }

  @Test
  void findsNothingInOrdinaryOutput() {
    assertThat(Traceback.parse("epoch 1 loss 0.3\nDone\nValidation: 0.91\n")).isNull();
    assertThat(Traceback.parse("")).isNull();
  }
}
