-- gold.user_daily: one row per event_date and user_id.
SELECT
  event_date,
  user_id,
  COUNT(*)                          AS events,
  COUNT(DISTINCT session_id)        AS sessions,
  COUNT_IF(event_type = 'purchase') AS purchases,
  CAST(COALESCE(SUM(CASE WHEN event_type = 'purchase' THEN CAST(amount AS DECIMAL(38, 9)) END), 0) AS DOUBLE) AS revenue
FROM silver_events
GROUP BY event_date, user_id
