-- orders per date, and how many of them belong to a customer who exists now (the current table)
SELECT o.event_date, COUNT(*) AS orders, COUNT(c.customer_id) AS orders_of_current_customers
FROM orders o LEFT JOIN customers c ON c.customer_id = o.customer_id
GROUP BY o.event_date
