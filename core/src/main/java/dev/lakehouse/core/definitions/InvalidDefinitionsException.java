package dev.lakehouse.core.definitions;

import dev.lakehouse.core.LakehouseException;
import java.util.List;
import java.util.stream.Collectors;

/** The definitions have problems; nothing ran. The message lists each problem on its own line. */
public final class InvalidDefinitionsException extends LakehouseException {

  private final List<DefinitionProblem> problems;

  public InvalidDefinitionsException(List<DefinitionProblem> problems) {
    super(problems.size() + " problem(s) in the pipeline definitions (check them with `./lakehouse validate`):\n"
        + problems.stream().map(DefinitionProblem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public List<DefinitionProblem> problems() {
    return problems;
  }
}
