package dev.lakehouse.core.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** The Delta tables that exist under the storage root, layer by layer. */
public final class DeltaTableListing {

  /** A table found on storage. */
  public record Found(Layer layer, String name, String path) {}

  private DeltaTableListing() {}

  public static List<Found> list(SparkSession spark, TableLocations locations, List<Layer> layers) {
    List<Found> tables = new ArrayList<>();
    try {
      for (Layer layer : layers) {
        Path folder = new Path(locations.folder(layer));
        FileSystem fs = folder.getFileSystem(spark.sessionState().newHadoopConf());
        if (!fs.exists(folder)) {
          continue;
        }
        for (FileStatus table : fs.listStatus(folder)) {
          if (table.isDirectory() && fs.exists(new Path(table.getPath(), "_delta_log"))) {
            tables.add(new Found(layer, table.getPath().getName(), table.getPath().toString()));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return tables;
  }
}
