-- each order counted under the plan its customer had when it was placed (an as-of join on the history)
SELECT o.event_date, COALESCE(h.plan, 'unknown') AS plan, COUNT(*) AS orders, SUM(o.amount) AS revenue
FROM orders o
LEFT JOIN customer_history h
  ON h.customer_id = o.customer_id
 AND o.placed_at >= h.valid_from AND (h.valid_to IS NULL OR o.placed_at < h.valid_to)
GROUP BY o.event_date, COALESCE(h.plan, 'unknown')
