package dev.lakehouse.core.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.core.config.ConfigLoader;
import dev.lakehouse.core.config.StorageConfig;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.core.testing.KernelTableReader;
import dev.lakehouse.core.testing.TestSpark;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLogTest {

  @TempDir Path root;

  @Test
  void recordsEachRunOnceEvenWhenRecordedAgain() {
    RunLog log = new RunLog(TestSpark.session(ConfigLoader.defaultsOnly().s3()), new TableLocations(new StorageConfig(root.toString())));
    Instant start = Instant.parse("2026-11-20T10:00:00Z");
    RunRecord first = new RunRecord("r-1", "silver", "bronze batch 0", start, start.plusSeconds(30), RunRecord.SUCCEEDED, 100, 90, 10, "");
    RunRecord second = new RunRecord("r-2", "silver", "bronze batch 1", start.plusSeconds(60), start.plusSeconds(70), RunRecord.FAILED, 5, 0, 0, "gate failed");

    log.record(first);
    log.record(second);
    log.record(first);

    List<Map<String, Object>> rows = KernelTableReader.local().readAll(log.path());
    assertThat(rows).hasSize(2);
    Map<String, Object> failed = rows.stream().filter(row -> row.get("run_id").equals("r-2")).findFirst().orElseThrow();
    assertThat(failed).containsEntry("status", "failed").containsEntry("message", "gate failed")
        .containsEntry("rows_in", 5L).containsEntry("started_at", start.plusSeconds(60));
    assertThat(log.path()).isEqualTo(new TableLocations(new StorageConfig(root.toString())).root() + "_system/runs");
  }

  @Test
  void aRunningRowIsReplacedByItsOutcomeAndALeftoverOneIsAbortedByTheNextRun() {
    RunLog log = new RunLog(TestSpark.session(ConfigLoader.defaultsOnly().s3()), new TableLocations(new StorageConfig(root.toString())));
    Instant start = Instant.parse("2026-11-20T10:00:00Z");
    log.start(RunRecord.running("r-1", "silver", "bronze batch 0", start));
    log.record(new RunRecord("r-1", "silver", "bronze batch 0", start, start.plusSeconds(5), RunRecord.SUCCEEDED, 10, 9, 1, ""));
    log.start(RunRecord.running("r-2", "silver", "bronze batch 1", start.plusSeconds(10)));
    log.start(RunRecord.running("g-1", "gold", "event_date 2026-11-20", start.plusSeconds(10)));

    List<RunLog.Leftover> leftovers = log.abortLeftovers("silver");

    assertThat(leftovers).containsExactly(new RunLog.Leftover("r-2", "bronze batch 1"));
    Map<String, String> status = new java.util.HashMap<>();
    KernelTableReader.local().readAll(log.path()).forEach(row -> status.put((String) row.get("run_id"), (String) row.get("status")));
    assertThat(status).containsExactlyInAnyOrderEntriesOf(Map.of("r-1", "succeeded", "r-2", "aborted", "g-1", "running"));
    assertThat(log.abortLeftovers("silver")).isEmpty();
  }

  @Test
  void runsStartedAndRecordedTogetherKeepOneRowEach() {
    RunLog log = new RunLog(TestSpark.session(ConfigLoader.defaultsOnly().s3()), new TableLocations(new StorageConfig(root.toString())));
    Instant start = Instant.parse("2026-11-20T10:00:00Z");
    log.start(List.of(RunRecord.running("g-1", "gold", "event_date 2026-11-19 (never built)", start),
        RunRecord.running("g-2", "gold", "event_date 2026-11-20 (never built)", start)));
    log.start(RunRecord.running("s-1", "silver", "bronze batch 0", start));

    log.record(List.of(
        new RunRecord("g-1", "gold", "event_date 2026-11-19 (never built)", start, start.plusSeconds(5), RunRecord.SUCCEEDED, 7, 3, 0, ""),
        new RunRecord("g-2", "gold", "event_date 2026-11-20 (never built)", start, start.plusSeconds(6), RunRecord.SUCCEEDED, 9, 4, 0, "2 late events")));

    Map<String, List<Object>> runs = new java.util.HashMap<>();
    KernelTableReader.local().readAll(log.path()).forEach(row ->
        assertThat(runs.put((String) row.get("run_id"), List.of(row.get("status"), row.get("rows_in"), row.get("ended_at"),
            row.get("message")))).isNull());
    assertThat(runs).containsExactlyInAnyOrderEntriesOf(Map.of(
        "g-1", List.of("succeeded", 7L, start.plusSeconds(5), ""), "g-2", List.of("succeeded", 9L, start.plusSeconds(6), "2 late events"),
        "s-1", List.of("running", 0L, start, "")));
    assertThat(log.abortLeftovers("gold")).isEmpty();
  }

  @Test
  void statusIsOneOfTheFour() {
    Instant now = Instant.now();
    assertThatThrownBy(() -> new RunRecord("r", "j", "s", now, now, "done", 0, 0, 0, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("status must be running, succeeded, failed or aborted, cannot be: done");
  }
}
