package dev.lakehouse.core.definitions;

import static java.util.Objects.requireNonNull;

/** One thing wrong with the definitions, printed as {@code <file>: <message>}. */
public record DefinitionProblem(String file, String message) {

  public DefinitionProblem {
    requireNonNull(file, "file is null");
    requireNonNull(message, "message is null");
    // parsers' messages may quote the source over several lines; validate prints one line per problem
    message = message.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  @Override
  public String toString() {
    return file + ": " + message;
  }
}
