package dev.lakehouse.core.runs;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One row of {@code _system/runs}: what a job did for a scope (a batch, a date range).
 *
 * @param runId unique per run; recording the same run id twice keeps one row
 * @param status {@code succeeded} or {@code failed}
 */
public record RunRecord(
    String runId,
    String job,
    String scope,
    Instant startedAt,
    Instant endedAt,
    String status,
    long rowsIn,
    long rowsOut,
    long rowsQuarantined,
    String message) {

  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";

  public RunRecord {
    requireNonNull(runId, "runId is null");
    requireNonNull(job, "job is null");
    requireNonNull(scope, "scope is null");
    requireNonNull(startedAt, "startedAt is null");
    requireNonNull(endedAt, "endedAt is null");
    if (!SUCCEEDED.equals(status) && !FAILED.equals(status)) {
      throw new IllegalArgumentException("status must be succeeded or failed, cannot be: " + status);
    }
    requireNonNull(message, "message is null");
  }
}
