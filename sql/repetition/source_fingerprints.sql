-- Each source's articles, as a count and a sum of id hashes: an article added, removed or moved to another source
-- (a changed input credits it elsewhere) changes its source's fingerprint. An article's lines never change, so its
-- id is all that is needed of it. Reads `sourced_articles` (sourced_articles.sql).
create or replace temp table source_fingerprints as
select
    source_key,
    count(*) || ':' || sum(hash(article_id)::hugeint) as fingerprint,
from sourced_articles
group by source_key
