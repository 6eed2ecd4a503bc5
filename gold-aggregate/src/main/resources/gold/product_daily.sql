-- gold.product_daily: one row per event_date and product_id, over the events that name a product.
SELECT
  event_date,
  product_id,
  COUNT_IF(event_type = 'product_view') AS views,
  COUNT_IF(event_type = 'add_to_cart')  AS add_to_carts,
  COUNT_IF(event_type = 'purchase')     AS purchases,
  CAST(COALESCE(SUM(CASE WHEN event_type = 'purchase' THEN CAST(amount AS DECIMAL(38, 9)) END), 0) AS DOUBLE) AS revenue
FROM silver_events
WHERE product_id IS NOT NULL
GROUP BY event_date, product_id
