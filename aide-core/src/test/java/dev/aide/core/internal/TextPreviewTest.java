package dev.aide.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextPreviewTest {
  @TempDir Path dir;

  private TextPreview read(String content) throws IOException {
    Path file = dir.resolve("f.txt");
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return TextPreview.read(file);
  }

  @Test
  void keepsAShortFileWhole() throws IOException {
    String content = "{\n  \"metric\": \"rmse\"\n}\n";

    assertThat(read(content)).isEqualTo(new TextPreview(content, true, 0, 0, false));
    assertThat(read("y".repeat(TextPreview.INLINE_CHARS)).whole()).isTrue();
  }

  @Test
  void cutsALongFileToItsFirstLines() throws IOException {
    StringBuilder content = new StringBuilder();
    for (int i = 1; i <= 200; i++) {
      content.append(String.format("line %03d of the notes\n", i));
    }

    TextPreview preview = read(content.toString());

    assertThat(preview.whole()).isFalse();
    assertThat(preview.lines()).isEqualTo(TextPreview.HEAD_LINES);
    assertThat(preview.text()).endsWith("line 020 of the notes\n").doesNotContain("line 021");
    assertThat(preview.shownBytes()).isEqualTo(440);
  }

  @Test
  void cutsALongLineAtTheCharacterLimit() throws IOException {
    TextPreview preview = read("y".repeat(5_000));

    assertThat(preview.lines()).isZero();
    assertThat(preview.text()).isEqualTo("y".repeat(TextPreview.INLINE_CHARS));
  }

  @Test
  void neverEndsALongLineWithHalfASurrogatePair() throws IOException {
    TextPreview emoji = read("a" + "\uD83D\uDE00".repeat(700));

    assertThat(emoji.lines()).isZero();
    assertThat(emoji.text()).isEqualTo("a" + "\uD83D\uDE00".repeat(499));
    assertThat(emoji.shownBytes()).isEqualTo(1 + 4 * 499);
  }

  @Test
  void marksAFileWithANulCharacterAsBinary() throws IOException {
    Path file = dir.resolve("odd.txt");
    Files.write(file, new byte[] {'a', 0, 'b'});

    assertThat(TextPreview.read(file).binary()).isTrue();
  }
}
