-- The changed sources' repeated lines are rebuilt from all their articles, so they depend only on what is loaded,
-- never on arrival order.
delete from repeated_lines
where source_key in (select source_key from changed_sources)
