-- orders of the day, their revenue, and how many shipped the same day (both silver tables)
WITH shipped AS (SELECT order_id, COUNT(*) AS shipments FROM shipments GROUP BY order_id)
SELECT
  o.event_date,
  COUNT(*)                                        AS orders,
  CAST(COALESCE(SUM(o.total), 0) AS DECIMAL(18, 2)) AS revenue,
  COUNT_IF(s.order_id IS NOT NULL)                AS shipped_same_day
FROM orders o LEFT JOIN shipped s ON o.order_id = s.order_id
GROUP BY o.event_date
