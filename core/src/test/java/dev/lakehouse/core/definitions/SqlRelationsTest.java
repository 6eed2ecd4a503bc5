package dev.lakehouse.core.definitions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.spark.sql.catalyst.parser.ParseException;
import org.junit.jupiter.api.Test;

class SqlRelationsTest {

  @Test
  void relationsComeFromJoinsSubqueriesAndCteBodies() throws ParseException {
    assertThat(SqlRelations.of("""
        WITH shipped AS (SELECT order_id FROM Shipments)
        SELECT o.event_date, COUNT(*) FROM orders o LEFT JOIN shipped s ON o.order_id = s.order_id
        WHERE o.customer IN (SELECT customer FROM silver_vip) AND EXISTS (SELECT 1 FROM refunds r WHERE r.id = o.order_id)
        GROUP BY o.event_date""")).containsExactly("orders", "refunds", "shipments", "silver_vip");
  }

  @Test
  void aCteNamedLikeATableShadowsItOnlyAfterItsDefinition() throws ParseException {
    assertThat(SqlRelations.of("WITH orders AS (SELECT * FROM orders WHERE total > 0) SELECT * FROM orders"))
        .containsExactly("orders");
    assertThat(SqlRelations.of("WITH big AS (SELECT * FROM orders), bigger AS (SELECT * FROM big) SELECT * FROM bigger"))
        .containsExactly("orders");
  }

  @Test
  void commandsAreRefusedAndBadSqlDoesNotParse() {
    assertThatThrownBy(() -> SqlRelations.of("DROP TABLE orders")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("is a command (");
    assertThatThrownBy(() -> SqlRelations.of("SELEC event_date FROM orders")).isInstanceOf(ParseException.class);
  }
}
