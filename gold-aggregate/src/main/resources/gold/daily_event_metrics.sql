-- gold.daily_event_metrics: one row per event_date and event_type.
-- `silver_events` holds the silver.events rows of the date being built.
SELECT
  event_date,
  event_type,
  COUNT(*)                   AS events,
  COUNT(DISTINCT user_id)    AS unique_users,
  COUNT(DISTINCT session_id) AS unique_sessions,
  -- summed as an exact decimal, so the same rows give the same revenue whatever their order;
  -- 0, not null, where there were no purchases
  CAST(COALESCE(SUM(CASE WHEN event_type = 'purchase' THEN CAST(amount AS DECIMAL(38, 9)) END), 0) AS DOUBLE) AS revenue
FROM silver_events
GROUP BY event_date, event_type
