package dev.lakehouse.quality.deequ;

import java.io.Serializable;
import java.util.List;
import scala.Option;
import scala.collection.JavaConverters;
import scala.collection.Seq;
import scala.runtime.AbstractFunction1;

/**
 * Calls into Deequ's Scala API from Java: Scala default arguments must be passed explicitly,
 * collections converted and assertions given as serializable Scala functions. Kept here so that
 * no other class deals with Scala.
 */
final class Scala {

  private Scala() {}

  static <T> Option<T> none() {
    return Option.empty();
  }

  static Option<String> some(String value) {
    return Option.apply(value);
  }

  static <T> Seq<T> seq(List<T> values) {
    return JavaConverters.asScalaBuffer(values).toSeq();
  }

  static <T> scala.collection.immutable.List<T> list(List<T> values) {
    return JavaConverters.asScalaBuffer(values).toList();
  }

  /** A metric assertion: the metric lies within {@code bounds}. */
  static scala.Function1<Object, Object> within(Bounds bounds) {
    return new Assertion(bounds);
  }

  /** Inclusive or strict numeric bounds; absent ends are open. */
  record Bounds(Double min, Double max, boolean strictMin, boolean strictMax) implements Serializable {

    static Bounds atLeast(double min) {
      return new Bounds(min, null, false, false);
    }

    boolean contains(double value) {
      boolean aboveMin = min == null || (strictMin ? value > min : value >= min);
      boolean belowMax = max == null || (strictMax ? value < max : value <= max);
      return aboveMin && belowMax;
    }

    @Override
    public String toString() {
      return (min == null ? "(-inf" : (strictMin ? "(" : "[") + min) + ", "
          + (max == null ? "inf)" : max + (strictMax ? ")" : "]"));
    }
  }

  private static final class Assertion extends AbstractFunction1<Object, Object> implements Serializable {
    private final Bounds bounds;

    Assertion(Bounds bounds) {
      this.bounds = bounds;
    }

    @Override
    public Object apply(Object metric) {
      return bounds.contains(((Number) metric).doubleValue());
    }
  }
}
