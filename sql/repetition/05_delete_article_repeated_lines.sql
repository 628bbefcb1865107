-- An article line of a changed source may be a repeated line no more (or its article gone, or moved to another
-- source): the source's rows are marked again (06).
delete from article_repeated_lines
where source_key in (select source_key from changed_sources)
