package dev.aide.llm;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Thrown when the provider's moderation flagged this prompt: OpenRouter's HTTP 403 with {@code
 * metadata.reasons} and {@code flagged_input} (or "your input was flagged"), Azure's {@code
 * content_filter}. {@link #kind()} is {@link Kind#CONTENT_FILTERED}: only this call fails, so it is
 * neither retried nor ends the run. Immutable.
 */
public final class ContentFilteredException extends ProviderException {
  private static final long serialVersionUID = 1L;

  private final List<String> reasons;
  private final @Nullable String flaggedInput;

  ContentFilteredException(String message, int statusCode, String provider, ErrorInfo info) {
    super(message, null, Kind.CONTENT_FILTERED, false, false, statusCode, provider, info);
    this.reasons = info.reasons();
    this.flaggedInput = info.flaggedInput();
  }

  /** Why moderation flagged the input, e.g. {@code harassment}; empty when it did not say. */
  public List<String> reasons() {
    return reasons;
  }

  /** The part of the input that was flagged, as the provider quoted it; null if it did not. */
  public @Nullable String flaggedInput() {
    return flaggedInput;
  }
}
