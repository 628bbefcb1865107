-- Rebuilt from all articles every time, so it depends only on what is loaded, never on arrival order.
delete from repeated_lines
