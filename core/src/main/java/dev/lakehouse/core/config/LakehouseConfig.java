package dev.lakehouse.core.config;

import static java.util.Objects.requireNonNull;

/** The whole configuration; see {@link ConfigLoader} for where values come from. */
public record LakehouseConfig(
    StorageConfig storage,
    KafkaConfig kafka,
    S3Config s3,
    SparkConfig spark,
    IngestConfig ingest,
    LocalServicesConfig local) {

  public LakehouseConfig {
    requireNonNull(storage, "storage is null");
    requireNonNull(kafka, "kafka is null");
    requireNonNull(s3, "s3 is null");
    requireNonNull(spark, "spark is null");
    requireNonNull(ingest, "ingest is null");
    requireNonNull(local, "local is null");
  }

  public LakehouseConfig withStorage(StorageConfig newStorage) {
    return new LakehouseConfig(newStorage, kafka, s3, spark, ingest, local);
  }

  public LakehouseConfig withKafka(KafkaConfig newKafka) {
    return new LakehouseConfig(storage, newKafka, s3, spark, ingest, local);
  }
}
