package dev.aide.core.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolDefinitionTest {
  private static final List<String> KEYS =
      List.of(
          "type",
          "title",
          "properties",
          "required",
          "additionalProperties",
          "description",
          "examples",
          "default",
          "minProperties",
          "maxProperties",
          "$schema",
          "$id");

  private static Map<String, Object> ordered(List<String> keys, Object value) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (String key : keys) map.put(key, value);
    return map;
  }

  @Test
  void keepsTheKeysInTheOrderGivenAtEveryDepth() {
    Map<String, Object> nested = ordered(KEYS, "x");
    Map<String, Object> schema = ordered(KEYS, "y");
    schema.put("properties", nested);
    schema.put("required", List.of(ordered(KEYS, 1)));

    ToolDefinition tool = new ToolDefinition(ReviewProtocol.REVIEW_TOOL, "Submit.", schema);

    assertThat(tool.parameters().keySet()).containsExactlyElementsOf(KEYS);
    assertThat(List.copyOf(((Map<?, ?>) tool.parameters().get("properties")).keySet()))
        .isEqualTo(KEYS);
    Map<?, ?> inList = (Map<?, ?>) ((List<?>) tool.parameters().get("required")).get(0);
    assertThat(List.copyOf(inList.keySet())).isEqualTo(KEYS);
  }

  @Test
  void copiesDeeplySoThatLaterChangesToTheSourceDoNotShow() {
    Map<String, Object> properties = new LinkedHashMap<>();
    List<Object> required = new ArrayList<>(List.of("is_bug"));
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("properties", properties);
    schema.put("required", required);

    ToolDefinition tool = new ToolDefinition("t", "d", schema);
    properties.put("late", "x");
    required.add("late");
    schema.put("late", "x");

    assertThat(tool.parameters())
        .isEqualTo(Map.of("properties", Map.of(), "required", List.of("is_bug")));
  }

  @Test
  void isUnmodifiableAtEveryDepth() {
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("properties", new LinkedHashMap<>(Map.of("a", "b")));
    schema.put("required", new ArrayList<>(List.of("a")));
    ToolDefinition tool = new ToolDefinition("t", "d", schema);

    assertThatThrownBy(() -> tool.parameters().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> properties = (Map<String, Object>) tool.parameters().get("properties");
    assertThatThrownBy(() -> properties.put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    List<Object> list = (List<Object>) tool.parameters().get("required");
    assertThatThrownBy(() -> list.add("x")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void keepsJsonNullsInsideTheSchema() {
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("enum", Arrays.asList("a", null));

    ToolDefinition tool = new ToolDefinition("t", "d", schema);

    assertThat(tool.parameters().get("enum")).isEqualTo(Arrays.asList("a", null));
  }

  @Test
  void rejectsAKeyThatIsNotAString() {
    Map<Object, Object> properties = new LinkedHashMap<>();
    properties.put(1, "x");
    Map<String, Object> schema = new LinkedHashMap<>();
    schema.put("properties", properties);

    assertThatThrownBy(() -> new ToolDefinition("t", "d", schema))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parameters.properties")
        .hasMessageContaining("not a string");
  }
}
