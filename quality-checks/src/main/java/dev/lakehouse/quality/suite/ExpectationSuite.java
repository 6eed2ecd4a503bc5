package dev.lakehouse.quality.suite;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A named list of expectations, loaded from a GE suite file. */
public record ExpectationSuite(String name, List<Expectation> expectations) {

  public ExpectationSuite {
    requireNonNull(name, "name is null");
    expectations = List.copyOf(requireNonNull(expectations, "expectations is null"));
  }

  public List<Expectation> of(ExpectationType.Scope scope) {
    return expectations.stream().filter(expectation -> expectation.type().scope() == scope).toList();
  }
}
