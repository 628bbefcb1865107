-- A fingerprint of what the repeated lines are derived from (each article's identity and source) and of the rule
-- that derives them; equal to the one recorded at the last derivation, deriving again would give the same rows.
with

articles_part as (
    select count(*) || ':' || coalesce(sum(hash(article_id, source_key)::hugeint), 0) as part
    from article_source_keys
)

select concat_ws('|', articles_part.part, $min_articles, $max_line_chars, $reason, $pipeline_version) as fingerprint
from articles_part
