"""What people see: the text catalogue, callback data, keyboards, charts and messages."""
