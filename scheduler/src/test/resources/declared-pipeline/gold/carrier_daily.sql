SELECT event_date, carrier, COUNT(*) AS shipments, ROUND(SUM(weight_kg), 3) AS weight_kg
FROM silver_shipments
GROUP BY event_date, carrier
