-- The articles of the sources derived again (changed_sources.sql or all_sources.sql), with their source: what 04
-- and 06 count and mark.
create or replace temp table changed_articles as
select article_id, source_key from sourced_articles
semi join changed_sources using (source_key)
