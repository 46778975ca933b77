package dev.aide.core.internal.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class GlobsTest {
  private static Globs globs(String... globs) {
    return Globs.of(List.of(globs));
  }

  @Test
  void starMatchesWithinOneDirectoryOnly() {
    Globs g = globs("src/*.java");
    assertThat(g).accepts("src/A.java", "src/.java").rejects("src/a/B.java", "A.java", "src/A.py");
  }

  @Test
  void questionMarkMatchesOneCharacterButSlash() {
    Globs g = globs("a?c");
    assertThat(g).accepts("abc", "a.c").rejects("ac", "abbc", "a/c");
  }

  @Test
  void doubleStarCrossesDirectories() {
    assertThat(globs("src/**")).accepts("src/A.java", "src/a/b/C.java").rejects("src", "test/A");
    assertThat(globs("src/**.java")).accepts("src/A.java", "src/a/B.java").rejects("src/A.py");
    assertThat(globs("**")).accepts("a", "a/b/c");
  }

  @Test
  void doubleStarSlashMatchesZeroOrMoreDirectories() {
    Globs g = globs("**/*.java");
    assertThat(g).accepts("A.java", "a/A.java", "a/b/c/A.java").rejects("A.py", "a/A.javax");
    assertThat(globs("src/**/test/*.py"))
        .accepts("src/test/a.py", "src/x/y/test/a.py")
        .rejects("src/xtest/a.py");
    assertThat(globs("**/node_modules/**"))
        .accepts("node_modules/x.js", "web/node_modules/a/b.js")
        .rejects("node_modules", "web/node_modulesx/a.js");
  }

  @Test
  void bracesGiveAlternativesThatMayHoldWildcards() {
    Globs g = globs("{src,test}/**/*.{java,kt}");
    assertThat(g).accepts("src/A.java", "test/a/B.kt").rejects("doc/A.java", "src/A.py");
    assertThat(globs("a{,b}c")).accepts("ac", "abc").rejects("abbc");
  }

  @Test
  void bracketsAreCharacterClasses() {
    assertThat(globs("file[abc].txt")).accepts("filea.txt", "filec.txt").rejects("filed.txt");
    assertThat(globs("v[0-9]")).accepts("v0", "v9").rejects("va", "v10");
    assertThat(globs("v[!0-9]")).accepts("va").rejects("v5", "v/");
    assertThat(globs("[]]")).accepts("]").rejects("a");
    assertThat(globs("[a-]")).accepts("a", "-").rejects("b");
  }

  @Test
  void aLiteralGlobMatchesThePathAndEverythingUnderIt() {
    Globs g = globs("src/main");
    assertThat(g).accepts("src/main", "src/main/A.java", "src/main/a/B.java").rejects("src/mainx");
    assertThat(globs("pom.xml")).accepts("pom.xml").rejects("a/pom.xml", "pom.xmlx");
  }

  @Test
  void aTrailingSlashMeansEverythingUnderTheDirectory() {
    assertThat(globs("src/")).accepts("src/A.java", "src/a/B.java").rejects("src", "srcx/A");
    assertThat(globs("*/target/")).accepts("a/target/x.class").rejects("a/target", "target/x");
  }

  @Test
  void regexCharactersAndEscapesAreLiteral() {
    assertThat(globs("a.b+(c)")).accepts("a.b+(c)").rejects("aXb+(c)", "a.bb(c)");
    assertThat(globs("a\\*b")).accepts("a*b").rejects("axb");
    assertThat(globs("a\\{b")).accepts("a{b");
  }

  @Test
  void aLeadingDotSlashIsIgnored() {
    assertThat(globs("./src/*.java")).accepts("src/A.java");
  }

  @Test
  void anyGlobOfTheListMayMatchAndAnEmptyListMatchesNothing() {
    assertThat(globs("*.md", "src/**")).accepts("README.md", "src/a").rejects("pom.xml");
    assertThat(Globs.of(List.of())).rejects("a", "");
  }

  @Test
  void toStringListsTheGlobs() {
    assertThat(globs("src/**", "pom.xml")).hasToString("[src/**, pom.xml]");
    assertThat(globs("src/**", "pom.xml").globs()).containsExactly("src/**", "pom.xml");
  }

  @Test
  void badGlobsSayWhichAndWhy() {
    assertThatThrownBy(() -> globs("src/{a,b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Bad glob 'src/{a,b': the '{' at position 5 is never closed; add '}' or write"
                + " '\\{'");
    assertThatThrownBy(() -> globs("src/[ab"))
        .hasMessageContaining("'src/[ab'")
        .hasMessageContaining("'[' at position 5 is never closed");
    assertThatThrownBy(() -> globs("a}")).hasMessageContaining("'}' at position 2 closes no '{'");
    assertThatThrownBy(() -> globs("/etc/passwd"))
        .hasMessageContaining("'/etc/passwd'")
        .hasMessageContaining("absolute");
    assertThatThrownBy(() -> globs("src/../../x"))
        .hasMessageContaining("'src/../../x'")
        .hasMessageContaining("'..'");
    assertThatThrownBy(() -> globs("..")).hasMessageContaining("'..'");
    assertThatThrownBy(() -> globs("")).hasMessageContaining("empty");
    assertThatThrownBy(() -> globs("a\\")).hasMessageContaining("escapes nothing");
  }
}
