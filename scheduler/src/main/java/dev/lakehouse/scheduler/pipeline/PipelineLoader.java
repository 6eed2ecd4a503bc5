package dev.lakehouse.scheduler.pipeline;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.config.DefinitionsConfig;
import dev.lakehouse.core.config.KafkaConfig;
import dev.lakehouse.core.config.SourceConfig;
import dev.lakehouse.core.definitions.BuiltInPipeline;
import dev.lakehouse.core.definitions.DefinitionProblem;
import dev.lakehouse.core.definitions.InvalidDefinitionsException;
import dev.lakehouse.core.definitions.SilverTableDefinition;
import dev.lakehouse.core.definitions.SilverTableLoader;
import dev.lakehouse.gold.GoldDefinition;
import dev.lakehouse.gold.GoldDefinitions;
import dev.lakehouse.quality.suite.ExpectationSuite;
import dev.lakehouse.quality.suite.SuiteLoader;
import dev.lakehouse.views.ViewDefinition;
import dev.lakehouse.views.ViewDefinitions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Loads a {@link Pipeline}: the built-in definitions from the classpath, or, with
 * {@code definitions.dir}, that folder and nothing else. Every file is read and checked, and all
 * problems are reported together (one line each, naming the file).
 */
public final class PipelineLoader {

  private PipelineLoader() {}

  /**
   * @param kafka the configured sources (topics for sources a definition gives none)
   * @param environment {@code LAKEHOUSE_<SOURCE>_TOPIC} overrides a source's topic
   */
  public static Pipeline load(DefinitionsConfig definitions, KafkaConfig kafka, Map<String, String> environment) {
    Loaded loaded = loadAll(definitions, kafka, environment);
    if (!loaded.problems().isEmpty()) {
      throw new InvalidDefinitionsException(loaded.problems());
    }
    return loaded.pipeline();
  }

  /**
   * The definitions that loaded, the problems of those that did not ({@code validate} checks the
   * rest anyway), and the silver tables whose file did not load (so what reads them is not
   * reported a second time).
   */
  public record Loaded(Pipeline pipeline, List<DefinitionProblem> problems, java.util.Set<String> unloadedTables) {}

  public static Loaded loadAll(DefinitionsConfig definitions, KafkaConfig kafka, Map<String, String> environment) {
    List<DefinitionProblem> problems = new ArrayList<>();
    java.util.Set<String> unloaded = new java.util.TreeSet<>();
    Pipeline pipeline = definitions.dir().isEmpty() ? builtIn(kafka, environment, problems)
        : fromFolder(Path.of(definitions.dir()), kafka, environment, problems, unloaded);
    return new Loaded(pipeline, List.copyOf(problems), unloaded);
  }

  private static Pipeline builtIn(KafkaConfig kafka, Map<String, String> environment, List<DefinitionProblem> problems) {
    SilverTableDefinition events = BuiltInPipeline.events();
    ExpectationSuite suite = SuiteLoader.load(events.expectations(), Optional.empty());
    return new Pipeline(Pipeline.BUILT_IN, sources(List.of(events), kafka, environment, problems), List.of(events),
        Map.of(events.name(), suite), GoldDefinitions.load(Optional.empty()), ViewDefinitions.load(Optional.empty()), Map.of());
  }

  private static Pipeline fromFolder(Path folder, KafkaConfig kafka, Map<String, String> environment,
      List<DefinitionProblem> problems, java.util.Set<String> unloaded) {
    if (!Files.isDirectory(folder)) {
      throw LakehouseException.of("cannot load definitions", folder.toAbsolutePath() + " is not a folder",
          "create it (`./lakehouse init " + folder + "` writes the built-in pipeline there), or unset definitions.dir"
              + " (LAKEHOUSE_DEFINITIONS_DIR)");
    }
    List<SilverTableDefinition> tables = new ArrayList<>();
    List<Path> silverFiles = files(folder.resolve("silver"), ".yaml", ".yml");
    if (silverFiles.isEmpty()) {
      problems.add(new DefinitionProblem(folder.resolve("silver").toString(),
          "no silver table: the folder needs silver/<table>.yaml (see `./lakehouse init DIR`)"));
    }
    for (Path file : silverFiles) {
      String name = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
      read(file, problems).ifPresent(text -> {
        SilverTableLoader.Loaded loaded = SilverTableLoader.parse(name, text, file.toString());
        problems.addAll(loaded.problems());
        if (loaded.table().isEmpty()) {
          unloaded.add(name);
        }
        loaded.table().ifPresent(table -> {
          if (tables.stream().anyMatch(other -> other.name().equals(table.name()))) {
            problems.add(new DefinitionProblem(file.toString(), "a second definition of silver table " + table.name()));
          } else {
            tables.add(table);
          }
        });
      });
    }
    for (SilverTableDefinition table : tables) {
      // gold sees every table as <table> and silver_<table>: x and silver_x would share a name
      if (tables.stream().anyMatch(other -> table.name().equals("silver_" + other.name()))) {
        problems.add(new DefinitionProblem(table.origin(), "the name " + table.name() + " is how gold queries see silver table "
            + table.name().substring("silver_".length()) + "; rename one of them"));
      }
    }
    Map<String, ExpectationSuite> suites = new TreeMap<>();
    for (SilverTableDefinition table : tables) {
      Path suiteFile = folder.resolve("expectations").resolve(table.expectations() + ".json");
      if (Files.isRegularFile(suiteFile)) {
        catching(suiteFile, problems, SuiteLoader::fromFile).ifPresent(suite -> suites.put(table.name(), suite));
      } else if (table.expectations().equals("silver_" + table.name())) {
        suites.put(table.name(), new ExpectationSuite(table.expectations(), List.of())); // no suite: parse rules only
      } else {
        problems.add(new DefinitionProblem(table.origin(), "expectations: " + table.expectations() + " names "
            + suiteFile + ", which does not exist"));
      }
    }
    List<GoldDefinition> gold = new ArrayList<>();
    for (Path file : files(folder.resolve("gold"), ".sql")) {
      catching(file, problems, GoldDefinitions::fromFile).ifPresent(gold::add);
    }
    Map<String, List<String>> declaredReads = new TreeMap<>();
    for (Path file : files(folder.resolve("gold"), ".yaml", ".yml")) {
      goldMetadata(file, gold, tables, problems).ifPresent(reads -> declaredReads.put(
          file.getFileName().toString().replaceFirst("\\.ya?ml$", ""), reads));
    }
    Map<String, ViewDefinition> views = new TreeMap<>();
    for (Path file : files(folder.resolve("views"), ".yaml", ".yml")) {
      catching(file, problems, ViewDefinitions::fromFile).ifPresent(view -> {
        if (views.put(view.name(), view) != null) {
          problems.add(new DefinitionProblem(file.toString(), "a second view named " + view.name()));
        }
      });
    }
    return new Pipeline(folder.toString(), sources(tables, kafka, environment, problems), tables, suites, gold,
        List.copyOf(views.values()), declaredReads);
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper YAML =
      new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());

  /**
   * {@code gold/<table>.yaml} beside {@code <table>.sql}: {@code description}, {@code owner} and
   * {@code reads} (the silver tables the query reads; when given, validate checks it against the
   * query's plan). Returns the declared reads, if any.
   */
  private static Optional<List<String>> goldMetadata(Path file, List<GoldDefinition> gold, List<SilverTableDefinition> tables,
      List<DefinitionProblem> problems) {
    String table = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    if (gold.stream().noneMatch(definition -> definition.table().equals(table))) {
      problems.add(new DefinitionProblem(file.toString(), "describes gold table " + table + ", but there is no gold/" + table + ".sql"));
      return Optional.empty();
    }
    com.fasterxml.jackson.databind.JsonNode root;
    try {
      root = YAML.readTree(file.toFile());
    } catch (IOException e) {
      problems.add(new DefinitionProblem(file.toString(), "not valid YAML: " + e.getMessage()));
      return Optional.empty();
    }
    if (root == null || !root.isObject()) {
      problems.add(new DefinitionProblem(file.toString(), "must be a YAML mapping with description, owner and reads"));
      return Optional.empty();
    }
    root.fieldNames().forEachRemaining(key -> {
      if (!List.of("description", "owner", "reads").contains(key)) {
        problems.add(new DefinitionProblem(file.toString(), "unknown key '" + key + "'; known keys: description, owner, reads"));
      }
    });
    com.fasterxml.jackson.databind.JsonNode reads = root.get("reads");
    if (reads == null) {
      return Optional.empty();
    }
    List<String> names = new ArrayList<>();
    reads.forEach(name -> names.add(name.asText()));
    if (!reads.isArray() || names.isEmpty()) {
      problems.add(new DefinitionProblem(file.toString(), "reads must list silver tables, e.g. reads: [orders]"));
      return Optional.empty();
    }
    for (String name : names) {
      if (tables.stream().noneMatch(candidate -> candidate.name().equals(name))) {
        problems.add(new DefinitionProblem(file.toString(), "reads " + name + ", which is no silver table"));
      }
    }
    return Optional.of(names.stream().sorted().toList());
  }

  /**
   * One source per bronze table. Its topic: {@code LAKEHOUSE_<SOURCE>_TOPIC}, else the one its
   * tables declare, else the configured source of that name, else the source's name.
   */
  private static List<SourceConfig> sources(List<SilverTableDefinition> tables, KafkaConfig kafka,
      Map<String, String> environment, List<DefinitionProblem> problems) {
    Map<String, SilverTableDefinition> bySource = new LinkedHashMap<>();
    Map<String, String> declared = new LinkedHashMap<>();
    for (SilverTableDefinition table : tables) {
      bySource.putIfAbsent(table.source(), table);
      if (!table.topic().isEmpty()) {
        String earlier = declared.putIfAbsent(table.source(), table.topic());
        if (earlier != null && !earlier.equals(table.topic())) {
          problems.add(new DefinitionProblem(table.origin(), "source " + table.source() + " is read from topic " + earlier
              + " by another table, so it cannot be topic " + table.topic() + " here"));
        }
      }
    }
    List<SourceConfig> sources = new ArrayList<>();
    for (String source : bySource.keySet()) {
      String override = environment.get("LAKEHOUSE_" + source.toUpperCase(Locale.ROOT) + "_TOPIC");
      String topic = override != null && !override.isBlank() ? override.trim()
          : declared.containsKey(source) ? declared.get(source)
          : kafka.sources().stream().filter(configured -> configured.name().equals(source)).map(SourceConfig::topic)
              .findFirst().orElse(source);
      try {
        sources.add(new SourceConfig(source, topic));
      } catch (RuntimeException e) {
        problems.add(new DefinitionProblem(bySource.get(source).origin(), e.getMessage()));
      }
    }
    return sources;
  }

  private static <T> Optional<T> catching(Path file, List<DefinitionProblem> problems, Function<Path, T> load) {
    try {
      return Optional.of(load.apply(file));
    } catch (LakehouseException | IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      // the loaders name the file themselves; the problem line names it once
      message = message.replace(file.toString() + ": ", "").replace(file.toString() + " ", "").replace(" " + file, "");
      problems.add(new DefinitionProblem(file.toString(), message));
      return Optional.empty();
    }
  }

  private static Optional<String> read(Path file, List<DefinitionProblem> problems) {
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      problems.add(new DefinitionProblem(file.toString(), "cannot be read: " + e.getMessage()));
      return Optional.empty();
    }
  }

  private static List<Path> files(Path folder, String... suffixes) {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(file -> Stream.of(suffixes).anyMatch(suffix -> file.getFileName().toString().endsWith(suffix)))
          .filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new LakehouseException("cannot list " + folder + ": " + e.getMessage(), e);
    }
  }
}
