package dev.lakehouse.devtools.bench;

import dev.lakehouse.testing.generator.GeneratedMessage;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The size distribution of the message values a bench sent: a histogram by exact size up to
 * 64 KiB and a count of larger ones, so percentiles are exact without keeping every size.
 */
public final class MessageSizes {

  private static final int EXACT_UP_TO = 64 * 1024;

  private final long[] bySize = new long[EXACT_UP_TO + 1];
  private long messages;
  private long bytes;
  private long larger;
  private long max;

  public void record(GeneratedMessage message) {
    int size = message.value().map(value -> value.getBytes(StandardCharsets.UTF_8).length).orElse(0);
    messages++;
    bytes += size;
    max = Math.max(max, size);
    if (size > EXACT_UP_TO) {
      larger++;
    } else {
      bySize[size]++;
    }
  }

  public long messages() {
    return messages;
  }

  public long bytes() {
    return bytes;
  }

  /** The smallest size that at least {@code share} of the messages do not exceed. */
  public long percentile(double share) {
    long wanted = (long) Math.ceil(share * messages);
    long seen = 0;
    for (int size = 0; size <= EXACT_UP_TO; size++) {
      seen += bySize[size];
      if (seen >= wanted && wanted > 0) {
        return size;
      }
    }
    return max;
  }

  /** For the report: count, bytes, mean, p50, p99, p99.99, max, and how many were over 64 KiB. */
  public Map<String, Object> summary() {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("messages", messages);
    summary.put("value_bytes", bytes);
    summary.put("mean_bytes", messages == 0 ? 0 : Math.round(bytes / (double) messages));
    summary.put("p50_bytes", percentile(0.50));
    summary.put("p99_bytes", percentile(0.99));
    summary.put("p99_99_bytes", percentile(0.9999));
    summary.put("max_bytes", max);
    summary.put("over_64_kib", larger);
    return summary;
  }

  @Override
  public String toString() {
    return String.format(java.util.Locale.ROOT, "%,d messages, %,d bytes of values (mean %d B, p50 %d B, p99 %d B, max %,d B,"
        + " %d over 64 KiB)", messages, bytes, messages == 0 ? 0 : Math.round(bytes / (double) messages), percentile(0.5),
        percentile(0.99), max, larger);
  }
}
