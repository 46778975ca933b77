package dev.aide.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class OutputBufferTest {
  private static void append(OutputBuffer buffer, String text) {
    buffer.append(text.toCharArray(), 0, text.length());
  }

  @Test
  void keepsEverythingUpToTheLimit() {
    OutputBuffer buffer = new OutputBuffer(10);
    append(buffer, "hello");
    append(buffer, "world");
    assertThat(buffer.text()).isEqualTo("helloworld");
    assertThat(buffer.truncatedChars()).isZero();
  }

  @Test
  void keepsHeadAndTailAndSaysHowMuchWasCut() {
    OutputBuffer buffer = new OutputBuffer(10);
    append(buffer, "abcdefghijklmnopqrstuvwxyz");
    assertThat(buffer.truncatedChars()).isEqualTo(16);
    assertThat(buffer.text()).isEqualTo("abcde\n[... 16 characters cut ...]\nvwxyz");
  }

  @Test
  void matchesHeadAndTailOfTheWholeTextForAnyChunking() {
    Random random = new Random(42);
    for (int trial = 0; trial < 200; trial++) {
      int max = 2 + random.nextInt(40);
      OutputBuffer buffer = new OutputBuffer(max);
      StringBuilder all = new StringBuilder();
      int chunks = random.nextInt(20);
      for (int i = 0; i < chunks; i++) {
        StringBuilder chunk = new StringBuilder();
        int length = random.nextInt(30);
        for (int j = 0; j < length; j++) chunk.append((char) ('a' + random.nextInt(26)));
        all.append(chunk);
        append(buffer, chunk.toString());
      }
      int head = max / 2;
      int tail = max - head;
      if (all.length() <= max) {
        assertThat(buffer.text()).isEqualTo(all.toString());
        assertThat(buffer.truncatedChars()).isZero();
      } else {
        long cut = all.length() - max;
        assertThat(buffer.truncatedChars()).isEqualTo(cut);
        assertThat(buffer.text())
            .isEqualTo(
                all.substring(0, head)
                    + "\n[... "
                    + cut
                    + " characters cut ...]\n"
                    + all.substring(all.length() - tail));
      }
    }
  }
}
