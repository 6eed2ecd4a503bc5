package dev.lakehouse.silver;

import java.time.Duration;

/** What one incremental silver run did. */
public record SilverRunResult(int batches, long rowsIn, long rowsOut, long quarantined, long duplicates, Duration duration) {}
