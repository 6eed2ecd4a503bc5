SELECT event_date, device_id, COUNT(*) AS readings, MAX(celsius) AS max_celsius
FROM readings GROUP BY event_date, device_id
