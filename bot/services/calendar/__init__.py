"""Time as the certification counts it: the clock, Chinese working days, quiet hours."""
