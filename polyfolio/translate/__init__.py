"""Translation sync: status, segments, placeholders, memory, engines, checks and runs."""
