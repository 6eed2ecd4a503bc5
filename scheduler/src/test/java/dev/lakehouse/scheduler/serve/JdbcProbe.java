package dev.lakehouse.scheduler.serve;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A BI tool's view of the server, run in its own JVM with only the stock Hive JDBC driver on the
 * classpath (no Spark). Arguments: URL, user, password, then requests: {@code tables:SCHEMA},
 * {@code columns:SCHEMA}, or {@code query:SQL}. Prints tab-separated lines: {@code table},
 * {@code column}, {@code row} (request number first), {@code error} (request number, the number
 * of lines of the message, the message on one line) when a statement fails, and {@code refused}
 * when the connection is.
 */
public final class JdbcProbe {

  public static void main(String[] args) throws Exception {
    Class.forName("org.apache.hive.jdbc.HiveDriver");
    Connection connection;
    try {
      connection = DriverManager.getConnection(args[0], args[1], args[2]);
    } catch (SQLException e) {
      System.out.println("refused\t" + String.valueOf(e.getMessage()).replace('\n', ' '));
      System.exit(3);
      return;
    }
    try (connection) {
      DatabaseMetaData metadata = connection.getMetaData();
      for (int i = 3; i < args.length; i++) {
        String request = args[i];
        if (request.startsWith("tables:")) {
          try (ResultSet tables = metadata.getTables(null, request.substring(7), "%", null)) {
            while (tables.next()) {
              print("table", i, tables.getString("TABLE_SCHEM"), tables.getString("TABLE_NAME"));
            }
          }
        } else if (request.startsWith("columns:")) {
          try (ResultSet columns = metadata.getColumns(null, request.substring(8), "%", "%")) {
            while (columns.next()) {
              print("column", i, columns.getString("TABLE_NAME"), columns.getString("COLUMN_NAME"), columns.getString("TYPE_NAME"));
            }
          }
        } else {
          try (Statement statement = connection.createStatement()) {
            if (statement.execute(request.substring("query:".length()))) {
              printRows(statement.getResultSet(), i);
            } else {
              print("ok", i);
            }
          } catch (SQLException e) {
            String message = String.valueOf(e.getMessage());
            print("error", i, Long.toString(message.lines().count()), message.replace('\n', ' ').replace('\t', ' '));
          }
        }
      }
    }
  }

  private static void printRows(ResultSet rows, int request) throws SQLException {
    try (rows) {
      int width = rows.getMetaData().getColumnCount();
      while (rows.next()) {
        List<String> values = new ArrayList<>();
        for (int column = 1; column <= width; column++) {
          values.add(String.valueOf(rows.getObject(column)));
        }
        print("row", request, values.toArray(String[]::new));
      }
    }
  }

  private static void print(String kind, int request, String... values) {
    System.out.println(kind + "\t" + request + "\t" + String.join("\t", values));
  }
}
