-- Each article's source, worked out once for the whole derivation: the view cuts it out of paths and urls with
-- regular expressions, and the statements run in parts would otherwise do it over every article once per part.
create or replace temp table sourced_articles as
select article_id, source_key from article_source_keys
