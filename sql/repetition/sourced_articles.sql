-- Each article's source, worked out once for the derivation (the view cuts it out of paths and urls with regular
-- expressions): the sources' fingerprints read it, and so does `changed_articles` when only some sources changed.
-- Deriving every source, 04 and 06 read the view itself (all_articles.sql says why).
create or replace temp table sourced_articles as
select article_id, source_key from article_source_keys
