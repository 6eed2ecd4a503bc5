package dev.lakehouse.testing.cdc;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ground truth of an upsert table, in plain Java: every change received, in arrival order,
 * applied per key in sequence order (equal sequence: the later arrival wins). What silver's
 * current table and its history must equal, computed without Spark.
 *
 * @param <S> the sequence's type
 */
public final class ChangeTruth<S extends Comparable<S>> {

  /**
   * One change as sent.
   *
   * @param arrival its place in arrival order (the later arrival wins ties)
   * @param columns the record's column values (for a delete, what it carries)
   */
  public record Change<S>(String key, S sequence, boolean delete, Map<String, Object> columns, long arrival) {
    public Change {
      requireNonNull(key, "key is null");
      requireNonNull(sequence, "sequence is null");
      columns = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    }
  }

  /** A version of a key with its validity interval; {@code validTo} null while it is current. */
  public record Version<S>(String key, S validFrom, S validTo, Map<String, Object> columns) {
    public boolean isCurrent() {
      return validTo == null;
    }
  }

  private final List<Change<S>> changes = new ArrayList<>();

  public Change<S> upsert(String key, S sequence, Map<String, Object> columns) {
    return add(key, sequence, false, columns);
  }

  public Change<S> delete(String key, S sequence, Map<String, Object> columns) {
    return add(key, sequence, true, columns);
  }

  private Change<S> add(String key, S sequence, boolean delete, Map<String, Object> columns) {
    Change<S> change = new Change<>(key, sequence, delete, columns, changes.size());
    changes.add(change);
    return change;
  }

  /** Each key's changes in sequence order, one per sequence (the later arrival). */
  private Map<String, List<Change<S>>> applied() {
    Map<String, TreeMap<S, Change<S>>> byKey = new TreeMap<>();
    for (Change<S> change : changes) { // arrival order: a later arrival replaces an equal sequence
      byKey.computeIfAbsent(change.key(), key -> new TreeMap<>()).put(change.sequence(), change);
    }
    Map<String, List<Change<S>>> applied = new TreeMap<>();
    byKey.forEach((key, versions) -> applied.put(key, new ArrayList<>(versions.values())));
    return applied;
  }

  /** The current table: each key's latest change, unless it is a delete. */
  public Map<String, Change<S>> current() {
    Map<String, Change<S>> current = new TreeMap<>();
    applied().forEach((key, ordered) -> {
      Change<S> latest = ordered.get(ordered.size() - 1);
      if (!latest.delete()) {
        current.put(key, latest);
      }
    });
    return current;
  }

  /** The history: every non-delete change, valid until the key's next change. */
  public List<Version<S>> history() {
    List<Version<S>> history = new ArrayList<>();
    applied().forEach((key, ordered) -> {
      for (int i = 0; i < ordered.size(); i++) {
        Change<S> change = ordered.get(i);
        if (!change.delete()) {
          S next = i + 1 < ordered.size() ? ordered.get(i + 1).sequence() : null;
          history.add(new Version<>(key, change.sequence(), next, change.columns()));
        }
      }
    });
    history.sort(Comparator.comparing((Version<S> version) -> version.key()).thenComparing(Version::validFrom));
    return history;
  }

  /** The version of {@code key} valid at {@code at}: valid_from <= at < valid_to. */
  public java.util.Optional<Version<S>> asOf(String key, S at) {
    return history().stream().filter(version -> version.key().equals(key) && version.validFrom().compareTo(at) <= 0
        && (version.validTo() == null || at.compareTo(version.validTo()) < 0)).findFirst();
  }

  public List<Change<S>> changes() {
    return List.copyOf(changes);
  }
}
