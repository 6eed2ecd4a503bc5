package dev.lakehouse.core.config;

import static java.util.Objects.requireNonNull;

/** The whole configuration; see {@link ConfigLoader} for where values come from. */
public record LakehouseConfig(
    StorageConfig storage,
    KafkaConfig kafka,
    S3Config s3,
    SparkConfig spark,
    IngestConfig ingest,
    LocalServicesConfig local,
    DefinitionsConfig definitions,
    RerunConfig reruns,
    SchedulesConfig schedules,
    ServeConfig serve) {

  public LakehouseConfig {
    requireNonNull(storage, "storage is null");
    requireNonNull(kafka, "kafka is null");
    requireNonNull(s3, "s3 is null");
    requireNonNull(spark, "spark is null");
    requireNonNull(ingest, "ingest is null");
    requireNonNull(local, "local is null");
    requireNonNull(definitions, "definitions is null");
    requireNonNull(reruns, "reruns is null");
    requireNonNull(schedules, "schedules is null");
    requireNonNull(serve, "serve is null");
  }

  public LakehouseConfig withStorage(StorageConfig newStorage) {
    return new LakehouseConfig(newStorage, kafka, s3, spark, ingest, local, definitions, reruns, schedules, serve);
  }

  public LakehouseConfig withKafka(KafkaConfig newKafka) {
    return new LakehouseConfig(storage, newKafka, s3, spark, ingest, local, definitions, reruns, schedules, serve);
  }

  public LakehouseConfig withS3(S3Config newS3) {
    return new LakehouseConfig(storage, kafka, newS3, spark, ingest, local, definitions, reruns, schedules, serve);
  }

  public LakehouseConfig withIngest(IngestConfig newIngest) {
    return new LakehouseConfig(storage, kafka, s3, spark, newIngest, local, definitions, reruns, schedules, serve);
  }

  public LakehouseConfig withSchedules(SchedulesConfig newSchedules) {
    return new LakehouseConfig(storage, kafka, s3, spark, ingest, local, definitions, reruns, newSchedules, serve);
  }

  public LakehouseConfig withDefinitions(DefinitionsConfig newDefinitions) {
    return new LakehouseConfig(storage, kafka, s3, spark, ingest, local, newDefinitions, reruns, schedules, serve);
  }

  public LakehouseConfig withServe(ServeConfig newServe) {
    return new LakehouseConfig(storage, kafka, s3, spark, ingest, local, definitions, reruns, schedules, newServe);
  }
}
