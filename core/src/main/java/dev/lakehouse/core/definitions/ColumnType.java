package dev.lakehouse.core.definitions;

import java.io.Serializable;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * A declared column type of DESIGN.md ({@code string}, {@code boolean}, {@code int}, {@code long},
 * {@code double}, {@code decimal(p,s)}, {@code date}, {@code timestamp}, {@code array<T>}) and the
 * Spark type silver stores it as.
 */
public sealed interface ColumnType extends Serializable {

  /** The type as written in a definition, e.g. {@code decimal(5,2)}. */
  String text();

  DataType sparkType();

  enum Kind { STRING, BOOLEAN, INT, LONG, DOUBLE, DATE, TIMESTAMP }

  record Scalar(Kind kind) implements ColumnType {
    @Override
    public String text() {
      return kind.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public DataType sparkType() {
      return switch (kind) {
        case STRING -> DataTypes.StringType;
        case BOOLEAN -> DataTypes.BooleanType;
        case INT -> DataTypes.IntegerType;
        case LONG -> DataTypes.LongType;
        case DOUBLE -> DataTypes.DoubleType;
        case DATE -> DataTypes.DateType;
        case TIMESTAMP -> DataTypes.TimestampType;
      };
    }
  }

  record Decimal(int precision, int scale) implements ColumnType {
    public Decimal {
      if (precision < 1 || precision > 38 || scale < 0 || scale > precision) {
        throw new IllegalArgumentException("decimal(p,s) needs 1 <= p <= 38 and 0 <= s <= p, cannot be: decimal("
            + precision + "," + scale + ")");
      }
    }

    @Override
    public String text() {
      return "decimal(" + precision + "," + scale + ")";
    }

    @Override
    public DataType sparkType() {
      return DataTypes.createDecimalType(precision, scale);
    }
  }

  /** An array of a non-array type; null elements are refused, so the element type is not nullable. */
  record ArrayOf(ColumnType element) implements ColumnType {
    public ArrayOf {
      if (element instanceof ArrayOf) {
        throw new IllegalArgumentException("array<T> takes a non-array element type, cannot be: array<" + element.text() + ">");
      }
    }

    @Override
    public String text() {
      return "array<" + element.text() + ">";
    }

    @Override
    public DataType sparkType() {
      return DataTypes.createArrayType(element.sparkType(), false);
    }
  }

  Pattern DECIMAL = Pattern.compile("decimal\\(\\s*(\\d{1,2})\\s*,\\s*(\\d{1,2})\\s*\\)");
  Pattern ARRAY = Pattern.compile("array\\s*<(.+)>");

  /** Parses a definition's type text; the message of the exception lists what is allowed. */
  static ColumnType parse(String text) {
    String type = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    Matcher decimal = DECIMAL.matcher(type);
    if (decimal.matches()) {
      return new Decimal(Integer.parseInt(decimal.group(1)), Integer.parseInt(decimal.group(2)));
    }
    Matcher array = ARRAY.matcher(type);
    if (array.matches()) {
      return new ArrayOf(parse(array.group(1)));
    }
    for (Kind kind : Kind.values()) {
      if (kind.name().toLowerCase(Locale.ROOT).equals(type)) {
        return new Scalar(kind);
      }
    }
    throw new IllegalArgumentException("unknown type '" + text + "'; use string, boolean, int, long, double,"
        + " decimal(p,s), date, timestamp or array<T>");
  }
}
