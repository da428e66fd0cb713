"""One funnel model (working days, median and p90) behind /stats and the console."""
