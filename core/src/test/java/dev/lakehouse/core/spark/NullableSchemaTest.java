package dev.lakehouse.core.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class NullableSchemaTest {

  @Test
  void everyFieldElementAndValueBecomesNullableAndNamesTypesAndMetadataStay() {
    Metadata comment = Metadata.fromJson("{\"comment\":\"kept\"}");
    StructType nested = new StructType().add("inner", DataTypes.LongType, false);
    StructType schema = new StructType()
        .add("id", DataTypes.StringType, false, comment)
        .add("labels", DataTypes.createArrayType(DataTypes.StringType, false), false)
        .add("scores", DataTypes.createMapType(DataTypes.StringType, DataTypes.IntegerType, false), false)
        .add("point", nested, false);

    StructType nullable = NullableSchema.of(schema);

    assertThat(nullable.fieldNames()).containsExactly("id", "labels", "scores", "point");
    assertThat(nullable.fields()).allSatisfy(field -> assertThat(field.nullable()).isTrue());
    assertThat(nullable.apply("id").metadata()).isEqualTo(comment);
    assertThat(nullable.apply("id").dataType()).isEqualTo(DataTypes.StringType);
    assertThat(((ArrayType) nullable.apply("labels").dataType()).containsNull()).isTrue();
    MapType scores = (MapType) nullable.apply("scores").dataType();
    assertThat(scores.valueContainsNull()).isTrue();
    assertThat(scores.valueType()).isEqualTo(DataTypes.IntegerType);
    StructType point = (StructType) nullable.apply("point").dataType();
    assertThat(point.apply("inner").nullable()).isTrue();
    assertThat(point.apply("inner").dataType()).isEqualTo(DataTypes.LongType);
  }
}
