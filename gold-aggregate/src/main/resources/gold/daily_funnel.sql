-- gold.daily_funnel: one row per event_date; a session counts on every date it has events.
SELECT
  event_date,
  COUNT(DISTINCT session_id)                                                  AS sessions,
  COUNT(DISTINCT CASE WHEN event_type = 'product_view' THEN session_id END) AS sessions_with_product_view,
  COUNT(DISTINCT CASE WHEN event_type = 'add_to_cart'  THEN session_id END) AS sessions_with_add_to_cart,
  COUNT(DISTINCT CASE WHEN event_type = 'purchase'     THEN session_id END) AS sessions_with_purchase
FROM silver_events
GROUP BY event_date
