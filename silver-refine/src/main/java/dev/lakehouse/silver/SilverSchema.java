package dev.lakehouse.silver;

import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The columns of silver.events and quarantine.events, as DESIGN.md states them. */
public final class SilverSchema {

  public static final String EVENTS = "events";

  /** silver.events, in order. */
  public static final List<String> EVENT_COLUMNS =
      List.of("event_id", "event_time", "user_id", "session_id", "event_type", "page", "product_id",
          "amount", "currency", "event_date", "event_hour", "ingested_at");

  /** silver.events' columns and types, in order. */
  public static final StructType EVENTS_SCHEMA =
      eventFields()
          .add("event_date", DataTypes.DateType)
          .add("event_hour", DataTypes.IntegerType)
          .add("ingested_at", DataTypes.TimestampType);

  /** quarantine.events, in order: the raw record, its coordinates and why it failed. */
  public static final List<String> QUARANTINE_COLUMNS =
      List.of("key", "value", "topic", "partition", "offset", "kafka_timestamp", "ingested_at",
          "failed_expectations", "run_id", "quarantined_at", "ingest_date");

  /** What the parser UDF returns. */
  static final StructType PARSED =
      eventFields().add("parse_errors", DataTypes.createArrayType(DataTypes.StringType, false));

  /** The fields of an event as its JSON carries them. */
  private static StructType eventFields() {
    return new StructType()
        .add("event_id", DataTypes.StringType)
        .add("event_time", DataTypes.TimestampType)
        .add("user_id", DataTypes.StringType)
        .add("session_id", DataTypes.StringType)
        .add("event_type", DataTypes.StringType)
        .add("page", DataTypes.StringType)
        .add("product_id", DataTypes.StringType)
        .add("amount", DataTypes.DoubleType)
        .add("currency", DataTypes.StringType);
  }

  private SilverSchema() {}
}
