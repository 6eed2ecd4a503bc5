package dev.lakehouse.core.runs;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One row of {@code _system/runs}: what a job did for a scope (a batch, a date range).
 *
 * @param runId unique per run; recording the same run id twice keeps one row
 * @param status {@code running} (written when a run starts; its {@code endedAt} is its start),
 *     then {@code succeeded} or {@code failed}; a {@code running} row that the next run of the job
 *     finds is marked {@code aborted}: that run was interrupted
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

  public static final String RUNNING = "running";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  public static final String ABORTED = "aborted";
  private static final java.util.Set<String> STATUSES = java.util.Set.of(RUNNING, SUCCEEDED, FAILED, ABORTED);

  public RunRecord {
    requireNonNull(runId, "runId is null");
    requireNonNull(job, "job is null");
    requireNonNull(scope, "scope is null");
    requireNonNull(startedAt, "startedAt is null");
    requireNonNull(endedAt, "endedAt is null");
    if (!STATUSES.contains(status)) {
      throw new IllegalArgumentException("status must be running, succeeded, failed or aborted, cannot be: " + status);
    }
    requireNonNull(message, "message is null");
  }

  /** The row a run writes when it starts. */
  public static RunRecord running(String runId, String job, String scope, Instant startedAt) {
    return new RunRecord(runId, job, scope, startedAt, startedAt, RUNNING, 0, 0, 0, "");
  }
}
