package dev.lakehouse.core.testing;

import io.delta.kernel.Scan;
import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.internal.InternalScanFileUtils;
import io.delta.kernel.internal.data.ScanStateRow;
import io.delta.kernel.internal.util.Utils;
import io.delta.kernel.data.ArrayValue;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.types.ArrayType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.IntegerType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.CloseableIterator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import org.apache.hadoop.conf.Configuration;

/**
 * Reads a Delta table with Delta Kernel, an implementation independent of delta-spark, so tests
 * check what any Delta reader sees rather than what Spark wrote.
 */
public final class KernelTableReader {

  private final Engine engine;

  public KernelTableReader(Map<String, String> hadoopSettings) {
    Configuration configuration = new Configuration();
    hadoopSettings.forEach(configuration::set);
    this.engine = DefaultEngine.create(configuration);
  }

  public static KernelTableReader local() {
    return new KernelTableReader(Map.of());
  }

  /** Hadoop settings for S3A from Spark-style {@code spark.hadoop.*} keys. */
  public static KernelTableReader withSparkSettings(Map<String, String> sparkSettings) {
    Map<String, String> hadoop = new HashMap<>();
    for (Entry<String, String> entry : sparkSettings.entrySet()) {
      if (entry.getKey().startsWith("spark.hadoop.")) {
        hadoop.put(entry.getKey().substring("spark.hadoop.".length()), entry.getValue());
      }
    }
    return new KernelTableReader(hadoop);
  }

  public long version(String tablePath) {
    return Table.forPath(engine, tablePath).getLatestSnapshot(engine).getVersion(engine);
  }

  /** The data files of the latest snapshot by the value of partition column {@code column}. */
  public Map<String, java.util.Set<String>> filesByPartition(String tablePath, String column) {
    Snapshot snapshot = Table.forPath(engine, tablePath).getLatestSnapshot(engine);
    Map<String, java.util.Set<String>> files = new java.util.TreeMap<>();
    try (CloseableIterator<FilteredColumnarBatch> scanFiles = snapshot.getScanBuilder(engine).build().getScanFiles(engine)) {
      while (scanFiles.hasNext()) {
        try (CloseableIterator<Row> rows = scanFiles.next().getRows()) {
          while (rows.hasNext()) {
            Row file = rows.next();
            files.computeIfAbsent(InternalScanFileUtils.getPartitionValues(file).get(column), value -> new java.util.TreeSet<>())
                .add(InternalScanFileUtils.getAddFileStatus(file).getPath());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /** Every row of the latest snapshot; values as String, Integer, Long, Double, Instant, LocalDate, List of String… */
  public List<Map<String, Object>> readAll(String tablePath) {
    Snapshot snapshot = Table.forPath(engine, tablePath).getLatestSnapshot(engine);
    Scan scan = snapshot.getScanBuilder(engine).build();
    Row scanState = scan.getScanState(engine);
    StructType physicalSchema = ScanStateRow.getPhysicalDataReadSchema(engine, scanState);
    List<Map<String, Object>> rows = new ArrayList<>();
    try (CloseableIterator<FilteredColumnarBatch> scanFiles = scan.getScanFiles(engine)) {
      while (scanFiles.hasNext()) {
        try (CloseableIterator<Row> files = scanFiles.next().getRows()) {
          while (files.hasNext()) {
            Row file = files.next();
            CloseableIterator<ColumnarBatch> physical =
                engine
                    .getParquetHandler()
                    .readParquetFiles(
                        Utils.singletonCloseableIterator(InternalScanFileUtils.getAddFileStatus(file)),
                        physicalSchema,
                        java.util.Optional.empty());
            try (CloseableIterator<FilteredColumnarBatch> logical =
                Scan.transformPhysicalData(engine, scanState, file, physical)) {
              while (logical.hasNext()) {
                collect(logical.next(), rows);
              }
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  private static void collect(FilteredColumnarBatch batch, List<Map<String, Object>> rows)
      throws IOException {
    StructType schema = batch.getData().getSchema();
    try (CloseableIterator<Row> data = batch.getRows()) {
      while (data.hasNext()) {
        Row row = data.next();
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < schema.length(); i++) {
          StructField field = schema.at(i);
          values.put(field.getName(), row.isNullAt(i) ? null : value(row, i, field.getDataType()));
        }
        rows.add(values);
      }
    }
  }

  private static Object value(Row row, int ordinal, DataType type) {
    if (type instanceof StringType) {
      return row.getString(ordinal);
    } else if (type instanceof IntegerType) {
      return row.getInt(ordinal);
    } else if (type instanceof LongType) {
      return row.getLong(ordinal);
    } else if (type instanceof DoubleType) {
      return row.getDouble(ordinal);
    } else if (type instanceof BooleanType) {
      return row.getBoolean(ordinal);
    } else if (type instanceof DecimalType) {
      return row.getDecimal(ordinal);
    } else if (type instanceof TimestampType) {
      long micros = row.getLong(ordinal);
      return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000);
    } else if (type instanceof DateType) {
      return LocalDate.ofEpochDay(row.getInt(ordinal));
    } else if (type instanceof ArrayType array && array.getElementType() instanceof StringType) {
      ArrayValue value = row.getArray(ordinal);
      ColumnVector elements = value.getElements();
      List<String> strings = new ArrayList<>();
      for (int i = 0; i < value.getSize(); i++) {
        strings.add(elements.isNullAt(i) ? null : elements.getString(i));
      }
      return strings;
    }
    throw new IllegalArgumentException("unsupported column type " + type);
  }
}
