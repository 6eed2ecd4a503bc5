package dev.lakehouse.core.spark;

import java.util.Arrays;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A schema with every field, array element and map value nullable: what a Delta table created
 * up front must declare, since a table created with a non-nullable column enforces NOT NULL on it,
 * while Delta makes every column it creates from written rows nullable.
 */
public final class NullableSchema {

  private NullableSchema() {}

  public static StructType of(StructType schema) {
    return new StructType(Arrays.stream(schema.fields())
        .map(field -> new StructField(field.name(), of(field.dataType()), true, field.metadata()))
        .toArray(StructField[]::new));
  }

  private static DataType of(DataType type) {
    if (type instanceof StructType struct) {
      return of(struct);
    }
    if (type instanceof ArrayType array) {
      return new ArrayType(of(array.elementType()), true);
    }
    if (type instanceof MapType map) {
      return new MapType(of(map.keyType()), of(map.valueType()), true);
    }
    return type;
  }
}
